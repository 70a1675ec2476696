/**
 * Parameter grid: wall time of 16 sma-cross combinations over 20,000 simulated bars on 1 and 2 worker threads
 * (worker start-up and JIT warm-up included, as a user pays them). Moved here from the test suite, where a timing
 * could only be printed, never asserted. `npm run bench -- grid` runs it alone.
 */
import { type GridRow, runGrid } from "../src/backtest/grid.js";
import { simulateMarket } from "../src/data/simulated/index.js";

const untimed = (rows: readonly GridRow[]) => JSON.stringify(rows.map(({ elapsedMs: _elapsed, ...row }) => row));

export async function run(log: (line: string) => void): Promise<string> {
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
  log(`grid: 1 worker ${one.ms.toFixed(0)} ms`);
  const two = await time(2);
  log(`grid: 2 workers ${two.ms.toFixed(0)} ms`);
  if (untimed(two.rows) !== untimed(one.rows)) throw new Error("grid: 2 workers returned other rows than 1 worker");
  return [
    "## Parameter grid (16 sma-cross combinations × 20,000 bars)",
    "",
    "| workers | wall time (ms) |",
    "| ---: | ---: |",
    `| 1 | ${one.ms.toFixed(0)} |`,
    `| 2 | ${two.ms.toFixed(0)} |`,
    "",
    `Speed-up with 2 workers: ${(one.ms / two.ms).toFixed(2)}× (rows identical to the sequential run).`,
    "",
  ].join("\n");
}
