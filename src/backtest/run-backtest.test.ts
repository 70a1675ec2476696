import { describe, expect, it } from "vitest";
import { loadStrategy } from "../strategy/registry.js";
import { syntheticSeries } from "./report/testing/report-fixture.js";
import { runBacktest } from "./run-backtest.js";

describe("runBacktest with one slot", () => {
  it("labels the equity curve with the series' own time column, unchanged by the run", () => {
    const series = syntheticSeries("BTC/USDT", 400, 2, 30_000);
    const times = series.time.slice();
    const result = runBacktest({
      feeds: [{ series, strategy: loadStrategy("sma-cross", { fast: 5, slow: 20 }) }],
      cash: 1_000,
    });
    expect(result.equity.time).toBe(series.time);
    expect(result.equity.time).toEqual(times);
    expect(result.equity.equity.length).toBe(series.length);
  });

  it("labels it with the first `length` times when the time column is longer than the series", () => {
    const full = syntheticSeries("BTC/USDT", 400, 2, 30_000);
    const series = { ...full, length: 300 };
    const result = runBacktest({
      feeds: [{ series, strategy: loadStrategy("sma-cross", { fast: 5, slow: 20 }) }],
      cash: 1_000,
    });
    expect(result.equity.time).toEqual(full.time.subarray(0, 300));
    expect(result.equity.time.buffer).toBe(full.time.buffer);
  });
});
