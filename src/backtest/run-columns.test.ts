import { describe, expect, it } from "vitest";
import { sliceSeries } from "../domain/candles.js";
import { loadStrategy } from "../strategy/registry.js";
import { reportJob } from "./output/report-job.js";
import { strategyOverlays } from "./report/strategy-overlays.js";
import { syntheticSeries } from "./report/testing/report-fixture.js";
import { runBacktest } from "./run-backtest.js";
import { columnsAfterRun } from "./run-columns.js";
import { summarize } from "./summary.js";

describe("columnsAfterRun", () => {
  const series = syntheticSeries("BTC/USDT", 600, 5, 30_000);
  const strategy = loadStrategy("sma-cross", { fast: 7, slow: 21 });
  const result = runBacktest({ feeds: [{ series, strategy }], cash: 10_000 });

  it("hands out the run's own columns for the series it ran on: the strategy's SMAs are the very arrays it read", () => {
    const columns = columnsAfterRun(result.columns, series);
    expect(columns).toBe(result.columns?.get(series));
    const fresh = strategyOverlays(strategy, series);
    const reused = strategyOverlays(strategy, series, columns);
    expect(reused.map((o) => o.label)).toEqual(fresh.map((o) => o.label));
    for (const [k, overlay] of reused.entries()) {
      expect(overlay.values).toEqual(fresh[k]?.values);
      expect(overlay.values).not.toBe(fresh[k]?.values);
    }
    // Asked twice of the run's columns, the same array: nothing was computed again.
    expect(strategyOverlays(strategy, series, columns)[0]?.values).toBe(reused[0]?.values);
  });

  it("gives fresh columns for another series (a run with warm-up ran on a longer one), and without a run's", () => {
    const measured = sliceSeries(series, 100, series.length);
    expect(columnsAfterRun(result.columns, measured)).not.toBe(result.columns?.get(series));
    const overlays = strategyOverlays(strategy, measured, columnsAfterRun(result.columns, measured));
    expect(overlays[0]?.values.length).toBe(measured.length);
    expect(columnsAfterRun(undefined, series)).not.toBe(result.columns?.get(series));
  });

  it("lets a report job draw the run's SMA columns, equal to computing them again", () => {
    const summary = summarize(result, [series], {
      strategy: "sma-cross",
      parameters: strategy.parameters,
      symbols: [series.symbol],
      timeframe: undefined,
      dataSource: "test",
      dataRange: { from: series.time[0]!, to: series.time[series.length - 1]! },
      bars: result.bars,
      cash: 10_000,
      fee: 0.001,
      slippage: "none",
      size: "default",
      seed: 1,
      dataHash: "d",
      configHash: "c",
      sample: { kind: "unspecified", note: "" },
    });
    const reused = reportJob({ result, summary, series: [series], strategy }, 0).input.overlays ?? [];
    const fresh = reportJob({ result: { ...result, columns: undefined }, summary, series: [series], strategy }, 0).input
      .overlays;
    expect(reused.length).toBe(2);
    expect(reused).toEqual(fresh);
    expect(reused[0]?.values).toBe(
      strategyOverlays(strategy, series, columnsAfterRun(result.columns, series))[0]?.values,
    );
  });
});
