import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../store/open-store.js";
import { builtinSpec } from "../strategy/registry.js";
import { aegisArgv } from "./testing/aegis-command.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-shadows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function aegis(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
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

describe("aegis trade with shadow strategies (embedded simulated exchange, SQLite store)", () => {
  it("runs the lifecycle's shadow strategy beside the live one, stores and shows it, and resumes it after a restart", async () => {
    const path = join(dir, "aegis.sqlite");
    const config = join(dir, "aegis.yaml");
    writeFileSync(config, `dataDir: ${join(dir, "data")}\nstore:\n  url: "sqlite:${path}"\n`);
    const seeded = await openStore(`sqlite:${path}`);
    await seeded.strategies.upsert(
      { id: "cand-ema", name: "ema-cross", source: "evolver", spec: builtinSpec("ema-cross") },
      "evolver",
      0,
    );
    for (const to of ["backtested", "validated", "shadow"] as const)
      await seeded.strategies.transition("cand-ema", to, "evolver", `gate for ${to} passed`, 0);
    await seeded.close();

    const trade = ["--config", config, "trade", "--speed", "600", "--warmup", "40", "--no-api", "--store", path];
    const first = await aegis([...trade, "--steps", "8"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/shadow strategies beside it: cand-ema/);
    const store = await openStore(`sqlite:${path}`);
    const [run] = await store.shadow.runs({ session: "paper-sim-1m" });
    // One shadow step per committed live step; the first one only sets the starting equity.
    expect(run).toMatchObject({ strategyId: "cand-ema", iterations: 7 });
    expect(await store.shadow.equity("cand-ema")).toHaveLength(8);
    // The shadow placed no order anywhere: every stored order is the live session's.
    expect((await store.orders.range()).every((o) => !o.clientOrderId.startsWith("shadow-"))).toBe(true);
    await store.close();

    const second = await aegis([...trade, "--steps", "3"]);
    expect(second.code).toBe(0);
    const again = await openStore(`sqlite:${path}`);
    try {
      const [resumed] = await again.shadow.runs({ session: "paper-sim-1m" });
      expect(resumed?.iterations).toBe(10);
      const equity = await again.shadow.equity("cand-ema");
      expect(equity).toHaveLength(11);
      expect(new Set(equity.map((e) => e.time)).size).toBe(11);
      const trades = await again.shadow.trades("cand-ema");
      expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
    } finally {
      await again.close();
    }

    const show = await aegis(["--config", config, "strategies", "show", "cand-ema"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/shadow \(paper fills beside the live strategy\):/);
    expect(show.stdout).toMatch(
      /session paper-sim-1m, last step .*: 10 iterations, equity [\d.]+ \([+-][\d.]+ %; live/,
    );
    expect(show.stdout).toMatch(/promotion rule: not yet: 10 of 100 shadow iterations/);
    // Eleven one-minute steps are one day: no paired test yet, and it says so.
    expect(show.stdout).toMatch(
      /against live \(paired test on daily returns\): no p-value yet \(0 paired days, 10 needed\)/,
    );
    const status = await aegis(["status", "--store", path]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /shadow cand-ema: ROI -?[\d.]+ % \(live -?[\d.]+ %\) · Sharpe .* · p vs live n\/a over 0 days · 10 iterations/,
    );
  }, 400_000);
});
