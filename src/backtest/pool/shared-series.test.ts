import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/index.js";
import { seriesFromShared, shareSeries } from "./shared-series.js";

describe("shareSeries / seriesFromShared", () => {
  it("round-trips every column through one SharedArrayBuffer", () => {
    const { series } = simulateMarket({ seed: 2, bars: 300 });
    const shared = shareSeries(series);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.buffer.byteLength).toBe(300 * 6 * 8);
    const back = seriesFromShared(shared);
    expect(back.symbol).toBe(series.symbol);
    expect(back.timeframe).toBe(series.timeframe);
    expect(back.length).toBe(300);
    for (const column of ["time", "open", "high", "low", "close", "volume"] as const)
      expect(back[column]).toEqual(series[column]);
  });

  it("gives views, not copies: two readers of one buffer see the same memory", () => {
    const { series } = simulateMarket({ seed: 2, bars: 10 });
    const shared = shareSeries(series);
    const a = seriesFromShared(shared);
    const b = seriesFromShared(shared);
    a.close[3] = 123;
    expect(b.close[3]).toBe(123);
    expect(series.close[3]).not.toBe(123);
  });
});
