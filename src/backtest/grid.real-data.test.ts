import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCsv } from "../data/csv/load-csv.js";
import type { CandleSeries } from "../domain/candles.js";
import { sharedDataPresent } from "../indicators/testing/reference-data.js";
import { type GridRow, runGrid, runGridSequential } from "./grid.js";
import { walkForward } from "./walk-forward.js";

const dataFile = fileURLToPath(new URL("../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url));
const untimed = (rows: readonly GridRow[]) => rows.map(({ elapsedMs: _elapsed, ...row }) => row);

describe.skipIf(!sharedDataPresent(dataFile))(`grid and walk-forward on real BTC/USDT 1h (${dataFile})`, () => {
  let series: CandleSeries;
  const base = () => ({ series, strategy: "sma-cross", cash: 10_000, fee: 0.001, slippage: "2bps" }) as const;
  beforeAll(async () => {
    series = (await loadCsv(dataFile)).series;
  });

  it("sma-cross fast × slow on 2 workers equals the sequential run over every bar", async () => {
    const grid = { fast: [10, 20], slow: [50, 100, 200] };
    const parallel = await runGrid({ ...base(), grid, workers: 2 });
    const sequential = runGridSequential({ ...base(), grid });
    expect(untimed(parallel)).toEqual(untimed(sequential));
    expect(parallel.every((row) => row.metrics?.bars === series.length && row.trades! > 0)).toBe(true);
  });

  it("walk-forward: yearly training, quarterly tests, in-sample and out-of-sample reported apart", async () => {
    const result = await walkForward({
      ...base(),
      grid: { fast: [10, 20, 50], slow: [100, 200] },
      mode: "rolling",
      trainBars: 8760,
      testBars: 2190,
      workers: 2,
    });
    expect(result.windows.length).toBe(Math.floor((series.length - 8760) / 2190));
    for (const w of result.windows) {
      expect(w.inSample.endTime!).toBeLessThan(w.outOfSample.startTime!);
      expect(w.inSample.bars).toBe(8760);
      expect(w.outOfSample.bars).toBe(2190);
    }
    expect(result.equity.time.length).toBe(result.windows.length * 2190);
    const o = result.overfitting;
    console.log(
      `BTC 1h walk-forward sma-cross: ${result.windows.length} windows, warm-up ${result.warmupBars} bars, ` +
        `mean IS Sharpe ${o.meanInSample?.toFixed(3)}, mean OOS Sharpe ${o.meanOutOfSample?.toFixed(3)}, ` +
        `efficiency ${o.efficiency?.toFixed(3)}, OOS windows positive ${((o.positiveOutOfSampleShare ?? 0) * 100).toFixed(0)} %, ` +
        `parameter changes ${o.parameterChanges}; stitched OOS return ${((result.outOfSample.totalReturn ?? 0) * 100).toFixed(1)} % ` +
        `vs buy & hold ${((result.outOfSample.benchmarkReturn ?? 0) * 100).toFixed(1)} %, OOS Sharpe ${result.outOfSample.sharpe?.toFixed(3)}`,
    );
  });
});
