import { describe, expect, it } from "vitest";
import { sma } from "../../indicators/index.js";
import { loadStrategy } from "../../strategy/registry.js";
import { aggregateCandles, sampleLikeCandles } from "./aggregate-candles.js";
import { strategyOverlays } from "./strategy-overlays.js";
import { syntheticSeries } from "./testing/report-fixture.js";

describe("strategyOverlays", () => {
  const series = syntheticSeries("BTC/USDT", 500, 3, 30_000);

  it("finds the two SMAs sma-cross reads, with its parameters", () => {
    const overlays = strategyOverlays(loadStrategy("sma-cross", { fast: 7, slow: 21 }), series);
    expect(overlays.map((o) => o.label)).toEqual(["SMA 7", "SMA 21"]);
    const expected = sma(series.close, 21);
    expect(overlays[1]?.values[100]).toBeCloseTo(expected[100] as number, 9);
  });

  it("leaves out indicators that are not on the price scale (RSI at 0-100 under a price of 30,000)", () => {
    const overlays = strategyOverlays(loadStrategy("rsi-reversion"), series);
    expect(overlays.some((o) => o.label.startsWith("RSI"))).toBe(false);
  });
});

describe("aggregateCandles", () => {
  it("merges runs of bars: first open, highest high, lowest low, last close, first time", () => {
    const s = syntheticSeries("X/USDT", 10, 1, 100);
    const merged = aggregateCandles(s, 4);
    expect(merged.barsPerCandle).toBe(3);
    expect([...merged.time]).toEqual([s.time[0], s.time[3], s.time[6], s.time[9]]);
    expect(merged.open[1]).toBe(s.open[3]);
    expect(merged.high[1]).toBe(Math.max(s.high[3]!, s.high[4]!, s.high[5]!));
    expect(merged.low[1]).toBe(Math.min(s.low[3]!, s.low[4]!, s.low[5]!));
    expect(merged.close[1]).toBe(s.close[5]);
    expect(merged.close[3]).toBe(s.close[9]);
    expect([...sampleLikeCandles(Float64Array.from([1, 2, 3, 4, 5, 6, 7]), 3)]).toEqual([3, 6, 7]);
  });
});
