import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/index.js";
import { resolveSpec } from "../../strategy/registry.js";
import { resolveSettings } from "../backtest-settings.js";
import { BacktestPool } from "./backtest-pool.js";
import { type BacktestTask, runTask } from "./backtest-task.js";

const { series } = simulateMarket({ seed: 9, bars: 4000 });
const spec = resolveSpec("sma-cross");
const settings = { cash: 10_000, fee: 0.001 };
const untimed = (result: { elapsedMs: number }) => ({ ...result, elapsedMs: 0 });

describe("BacktestPool", () => {
  it("returns results in task order whichever worker finishes first, equal to running them in this thread", async () => {
    const t = (i: number): number => series.time[i] as number;
    // The first task covers every bar, the others a few hundred: it finishes last.
    const tasks: BacktestTask[] = [
      { params: { fast: 5, slow: 30 } },
      ...[10, 20, 30, 40, 50].map((fast, i) => ({
        params: { fast, slow: 60 },
        range: { warmupFrom: t(i * 500), from: t(i * 500 + 100), to: t(i * 500 + 400) },
      })),
    ];
    const pool = new BacktestPool({ series: [series], spec, settings, workers: 2 });
    try {
      const finished: number[] = [];
      const results = await pool.run(tasks, (index) => finished.push(index));
      expect(finished.slice().sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const context = { series: [series], spec, settings: resolveSettings(settings) };
      expect(results.map(untimed)).toEqual(tasks.map((task) => untimed(runTask(context, task))));
      // The pool takes another batch with the workers it already has.
      const again = await pool.run(tasks.slice(0, 2));
      expect(again.map(untimed)).toEqual(results.slice(0, 2).map(untimed));
    } finally {
      await pool.close();
    }
  });

  it("fails the batch with the reason when a worker cannot start", async () => {
    const pool = new BacktestPool({ series: [series], spec, settings: { cash: -1 }, workers: 1 });
    try {
      await expect(pool.run([{ params: {} }])).rejects.toThrow(
        /a backtest worker failed to start: .*cash must be > 0, got -1/,
      );
    } finally {
      await pool.close();
    }
  });

  it("refuses work once closed, and a worker count below 1", async () => {
    const pool = new BacktestPool({ series: [series], spec, settings, workers: 1 });
    await pool.close();
    await expect(pool.run([{ params: {} }])).rejects.toThrow(/the backtest pool is closed/);
    expect(() => new BacktestPool({ series: [series], spec, settings, workers: 0 })).toThrow(
      /workers must be a whole number >= 1/,
    );
  });
});
