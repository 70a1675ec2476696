import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { LlmWireServer } from "../../ai/llm/testing/llm-wire-server.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { llmStatusCommand } from "./llm.js";

let dir: string;
let server: LlmWireServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aegis-llm-cli-"));
  server = await LlmWireServer.start({ models: ["qwen2.5:7b"] });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function aegis(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AI_") && k !== "OLLAMA_HOST" && !k.startsWith("AEGIS_")),
  );
  const result = spawnSync(process.execPath, aegisArgv(args), {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...clean, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("aegis llm status", () => {
  it("says every role is off when no model is configured (the embedded default), and a bad AI_TIMEOUT is exit 2", () => {
    const off = aegis(["llm", "status"]);
    expect(off.code).toBe(0);
    expect(off.stdout.trim().split("\n")).toEqual([
      "advisor    off",
      "auditor    off",
      "architect  off",
      "hypothesis off",
      "sentiment  off",
    ]);
    const bad = aegis(["llm", "status"], { AI_MODEL: "m", AI_TIMEOUT: "soon" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('AI_TIMEOUT is seconds from 1 to 600, got "soon"');
  });

  it("probes each configured endpoint: healthy when it lists the model, down with the reason otherwise", async () => {
    const file = join(dir, "llm.yaml");
    await writeFile(
      file,
      [
        "llm:",
        "  advisor:",
        `    endpoint: ${server.url}/v1`,
        "    model: qwen2.5:7b",
        "    trainingCutoff: 2024-06-30",
        "  auditor:",
        "    provider: ollama-native",
        `    endpoint: ${server.url}`,
        "    model: llama3.1",
        "  architect:",
        "    endpoint: http://127.0.0.1:1/v1",
        "    model: gone",
      ].join("\n"),
    );
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((text: string) => lines.push(text));
    await llmStatusCommand({}, { config: file });
    const text = lines.join("\n").split("\n");
    expect(text[0]).toBe(`advisor    qwen2.5:7b at ${server.url}/v1 · healthy · cutoff 2024-06-30`);
    expect(text[1]).toBe(
      `auditor    llama3.1 at ${server.url} · DOWN · last error: answers, but does not list llama3.1 (it lists 1 model(s))`,
    );
    expect(text[2]).toMatch(/^architect {2}gone at http:\/\/127\.0\.0\.1:1\/v1 · DOWN · last error: no answer from/);
    expect(text[3]).toBe("hypothesis off");
    lines.length = 0;
    await llmStatusCommand({ json: true }, { config: file });
    const json = JSON.parse(lines.join("\n")) as { role: string; enabled: boolean; healthy: boolean }[];
    expect(json.map((s) => [s.role, s.enabled, s.healthy])).toEqual([
      ["advisor", true, true],
      ["auditor", true, false],
      ["architect", true, false],
      ["hypothesis", false, true],
      ["sentiment", false, true],
    ]);
  });
});
