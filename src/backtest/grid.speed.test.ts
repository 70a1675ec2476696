import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/index.js";
import { type GridRow, runGrid } from "./grid.js";

const untimed = (rows: readonly GridRow[]) => rows.map(({ elapsedMs: _elapsed, ...row }) => row);

// Measures rather than asserts a speed-up: timings on a shared machine are not deterministic.
describe("runGrid speed, 16 sma-cross combinations over 20k bars", () => {
  it("reports the wall time on 1 and 2 workers (worker start-up and JIT warm-up included)", async () => {
    const { series } = simulateMarket({ seed: 8, bars: 20_000 });
    const options = {
      series,
      strategy: "sma-cross",
      grid: { fast: [5, 10, 20, 40], slow: [50, 100, 150, 200] },
      cash: 10_000,
      fee: 0.001,
    };
    const time = async (workers: number): Promise<{ ms: number; rows: GridRow[] }> => {
      const started = performance.now();
      const rows = await runGrid({ ...options, workers });
      return { ms: performance.now() - started, rows };
    };
    const one = await time(1);
    const two = await time(2);
    expect(untimed(two.rows)).toEqual(untimed(one.rows));
    console.log(
      `runGrid 16 combos × 20k bars: 1 worker ${one.ms.toFixed(0)} ms, 2 workers ${two.ms.toFixed(0)} ms, speed-up ${(one.ms / two.ms).toFixed(2)}×`,
    );
  });
});
