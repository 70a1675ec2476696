import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmWireServer, reply } from "../../ai/llm/testing/llm-wire-server.js";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-llm-"));
let server: LlmWireServer;
beforeAll(async () => {
  server = await LlmWireServer.start();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real `aegis` in a fresh process (async: the wire server in this process must keep answering). */
function aegis(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith("AI_") && k !== "OLLAMA_HOST" && !k.startsWith("AEGIS_"),
      ),
    );
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
      env: { ...clean, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

describe("aegis trade with the LLM advisor", () => {
  it("consults the advisor at proposed trades and stores each exchange with the decision's key", async () => {
    server.respond(() =>
      reply.json({
        action: "hold",
        confidence: 0.95,
        riskWarnings: ["test"],
        reasoning: "the test vetoes every entry",
      }),
    );
    const store = join(dir, "paper.sqlite");
    const run = await aegis(
      ["trade", "--steps", "150", "--speed", "600", "--warmup", "40", "--store", store, "--no-api", "--session", "llm"],
      { AI_MODEL: "test-model", OLLAMA_HOST: server.url },
    );
    expect(run.stderr).toMatch(/stopping \(--steps reached\)/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`llm advisor: test-model at ${server.url}/v1 (deadline 31 s, weight 0.1)`);
    const opened = await openStore(store);
    try {
      const exchanges = await opened.llm.range();
      const decisions = await opened.decisions.range();
      expect(exchanges.length).toBeGreaterThan(0);
      expect(exchanges.length).toBe(server.requests.length);
      const keys = new Set(decisions.map((d) => d.decisionKey));
      for (const exchange of exchanges) {
        expect(exchange).toMatchObject({ role: "advisor", model: "test-model" });
        expect(keys.has(exchange.decisionKey as string)).toBe(true);
      }
      // The advisor vetoes every entry: the session opens nothing.
      expect(await opened.fills.range()).toEqual([]);
      expect(decisions.some((d) => d.outcome === "vetoed")).toBe(true);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("audits on the market clock with the configured auditor: each audit's exchange is stored, trading goes on", async () => {
    server.respond(() =>
      reply.json({
        analysis: "range-bound, thin volume",
        signal: "HOLD",
        confidence: 0.4,
        suggestion: { reason: "whipsaws in the range", proposedChange: "wider slow average" },
      }),
    );
    const before = server.requests.length;
    const config = join(dir, "auditor.yaml");
    writeFileSync(
      config,
      `llm:\n  auditor:\n    endpoint: ${server.url}/v1\n    model: audit-model\n    intervalMinutes: 10\n`,
    );
    const store = join(dir, "audited.sqlite");
    const run = await aegis(
      ["--config", config, "trade", "--steps", "45", "--speed", "600", "--warmup", "40", "--store", store, "--no-api"],
      {},
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("llm auditor: audit-model every 10 min of market time");
    expect(run.stdout).toContain("llm advisor: off");
    const opened = await openStore(store);
    try {
      const audits = (await opened.llm.range()).filter((e) => e.role === "auditor");
      // 45 one-minute steps: the first step audits, then one every 10 minutes of market time.
      expect(audits.length).toBeGreaterThanOrEqual(4);
      expect(audits.length).toBeLessThanOrEqual(5);
      expect(audits.length).toBe(server.requests.length - before);
      expect(audits.every((a) => a.model === "audit-model" && a.prompt.length > 0)).toBe(true);
      expect((await opened.decisions.range()).length).toBeGreaterThan(0);
    } finally {
      await opened.close();
    }
  }, 120_000);
});
