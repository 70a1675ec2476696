import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/index.js";
import { validateSpec } from "../strategy/spec/parse.js";
import { type GridRow, runGrid, runGridSequential } from "./grid.js";

const { series } = simulateMarket({ seed: 42, bars: 5000 });
const grid = { fast: [5, 10, 20], slow: [30, 60] };
const base = { series, strategy: "sma-cross", cash: 10_000, fee: 0.001, slippage: "2bps" } as const;

/** Rows without their timings, which differ from run to run. */
const untimed = (rows: readonly GridRow[]) => rows.map(({ elapsedMs: _elapsed, ...row }) => row);

/** A spec where some combinations compile and some do not: the regime needs rangeAdx <= trendAdx (25). */
const looseSpec = validateSpec({
  name: "trend-regime",
  parameters: { range: { default: 20, min: 0, max: 100 } },
  indicators: { regime: { type: "regime", rangeAdx: "$range", percentileWindow: 50 } },
  entry: { long: { lt: ["regime", 1] } },
  exit: { long: { gt: ["regime", 0] } },
});

describe("runGrid", () => {
  it("on 2 workers returns exactly the rows of the sequential run, in combination order", async () => {
    const done: number[] = [];
    const parallel = await runGrid({
      ...base,
      grid,
      workers: 2,
      onProgress: (count, total, row) => done.push(count, total, row.index),
    });
    const sequential = runGridSequential({ ...base, grid });
    expect(untimed(parallel)).toEqual(untimed(sequential));
    expect(parallel.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parallel.map((row) => row.params)).toEqual([
      { fast: 5, slow: 30 },
      { fast: 5, slow: 60 },
      { fast: 10, slow: 30 },
      { fast: 10, slow: 60 },
      { fast: 20, slow: 30 },
      { fast: 20, slow: 60 },
    ]);
    expect(
      parallel.every((row) => row.error === null && row.metrics !== null && row.trades === row.metrics.tradeCount),
    ).toBe(true);
    // onProgress: counts 1..6 of 6, every row index once.
    const counts = done.filter((_, i) => i % 3 === 0);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(done.filter((_, i) => i % 3 === 2).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("merges fixed params into every combination", async () => {
    const rows = await runGrid({ ...base, grid: { fast: [5, 10] }, params: { slow: 60, stopLoss: 3 }, workers: 1 });
    expect(rows.map((row) => row.params)).toEqual([
      { slow: 60, stopLoss: 3, fast: 5 },
      { slow: 60, stopLoss: 3, fast: 10 },
    ]);
    expect(untimed(rows)).toEqual(
      untimed(runGridSequential({ ...base, grid: { fast: [5, 10] }, params: { slow: 60, stopLoss: 3 } })),
    );
  });

  it("turns a combination that fails to compile into an error row and keeps the others", async () => {
    const rows = await runGrid({ ...base, strategy: looseSpec, grid: { range: [10, 30, 20] }, workers: 2 });
    expect(rows.map((row) => row.error === null)).toEqual([true, false, true]);
    expect(rows[1]?.metrics).toBeNull();
    expect(rows[1]?.error).toMatch(
      /params \{"range":30\}: SpecError: indicators\.regime: .*rangeAdx must not exceed trendAdx/,
    );
    expect(untimed(rows)).toEqual(
      untimed(runGridSequential({ ...base, strategy: looseSpec, grid: { range: [10, 30, 20] } })),
    );
  });

  it("rejects an invalid grid naming the problem before any backtest runs", async () => {
    await expect(runGrid({ ...base, grid: { fast: [], slow: [30] } })).rejects.toThrow(
      /grid\.fast: needs a non-empty list/,
    );
    await expect(runGrid({ ...base, grid: { quick: [5] } })).rejects.toThrow(/grid\.quick: unknown parameter/);
    await expect(runGrid({ ...base, grid: { slow: [30, 5000] } })).rejects.toThrow(
      /grid\.slow\[1\]: .*above the maximum 1000/,
    );
    await expect(runGrid({ ...base, grid, workers: 0 })).rejects.toThrow(/workers must be a whole number >= 1, got 0/);
    await expect(runGrid({ ...base, grid, slippage: "much" })).rejects.toThrow(/slippage: invalid slippage "much"/);
  });
});
