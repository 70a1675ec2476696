import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Blacklist } from "../../backtest/gates/blacklist.js";
import { loadDataFiles } from "../../cli/load-data-files.js";
import { aegisArgv } from "../../cli/testing/aegis-command.js";
import { sliceSeries } from "../../domain/candles.js";
import { sharedDataDir } from "../../indicators/testing/reference-data.js";
import { openStore } from "../../store/open-store.js";
import { registerFinalists } from "./register-finalists.js";
import { runEvolution } from "./run-evolution.js";

const file = join(sharedDataDir, "crypto/binance_spot_BTCUSDT_1h.csv.gz");
const absent = !existsSync(file);
if (absent) process.stderr.write(`skipping the lifecycle registration test on real data: ${file} is absent\n`);

const cwd = mkdtempSync(join(tmpdir(), "aegis-register-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe.skipIf(absent)("the evolver's finalists enter the lifecycle (real BTCUSDT 1h)", () => {
  it("registers survivors as validated with their gate numbers, retires and blacklists the others, and `aegis strategies list` shows them", async () => {
    const [full] = await loadDataFiles({ files: [file], symbols: [], policy: "reject" }, []);
    if (!full) throw new Error("no bars");
    const series = sliceSeries(full, full.length - 6000, full.length);
    const blacklist = new Blacklist();
    // Gates loosened to a positive holdout Sharpe, so that on real data some finalists pass and some fail.
    const run = await runEvolution({
      series,
      generations: 2,
      population: 20,
      seed: 1,
      finalists: 6,
      blacklist,
      gates: {
        minSharpe: 0,
        maxDrawdown: 0.5,
        minTrades: 1,
        stress: false,
        minDeflatedSharpe: 0,
        maxPbo: 1,
        maxPValue: 1,
      },
    });
    const passed = run.finalists.filter((f) => f.gates.passed);
    const failed = run.finalists.filter((f) => !f.gates.passed);
    expect(passed.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);

    mkdirSync(join(cwd, ".aegis"));
    const store = await openStore(`sqlite:${join(cwd, ".aegis/aegis.sqlite")}`);
    try {
      const registered = await registerFinalists(store, run, { fee: 0.001, clock: () => Date.UTC(2026, 0, 1) });
      expect(registered.map((r) => r.status)).toEqual(
        run.finalists.map((f) => (f.gates.passed ? "validated" : "retired")),
      );
      for (const f of passed) {
        expect((await store.strategies.get(f.hash))?.status).toBe("validated");
        const moves = await store.strategies.transitions(f.hash);
        expect(moves.map((m) => m.toStatus)).toEqual(["generated", "backtested", "validated"]);
        expect(moves[1]?.reason).toContain(`${f.outOfSample.trades} trades`);
        const holdoutSharpe = f.gates.gates.find((g) => g.gate === "holdout Sharpe")?.value as number;
        expect(moves[2]?.reason).toContain(`ok holdout Sharpe ${holdoutSharpe.toPrecision(4)} (> 0)`);
        expect(moves[2]?.reason).toContain("deflated Sharpe ratio");
        expect(moves[2]?.reason).toContain("probability of backtest overfitting");
        const performance = await store.learning.strategyPerformance(f.hash);
        expect(performance[0]?.trades).toBe(f.gates.holdoutTrades);
      }
      for (const f of failed) {
        expect((await store.strategies.get(f.hash))?.status).toBe("retired");
        expect(blacklist.reasons().get(f.hash)).toBe(f.gates.reasons.join("; "));
        const moves = await store.strategies.transitions(f.hash);
        expect(moves.at(-1)?.reason).toContain(f.gates.reasons[0] as string);
      }
      // A second registration leaves them where they are.
      const again = await registerFinalists(store, run, { fee: 0.001 });
      expect(again.every((r) => r.note?.startsWith("already "))).toBe(true);
    } finally {
      await store.close();
    }

    const list = spawnSync(process.execPath, aegisArgv(["strategies", "list"]), { cwd, encoding: "utf8" });
    expect(list.status, list.stderr).toBe(0);
    for (const f of passed) expect(list.stdout).toMatch(new RegExp(`${f.hash}\\s*validated\\s+evolver`));
    for (const f of failed) expect(list.stdout).toMatch(new RegExp(`${f.hash}\\s*retired\\s+evolver`));
  }, 240_000);
});
