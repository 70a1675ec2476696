import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import * as ind from "../../indicators/index.js";
import { loadStrategy } from "../registry.js";
import { divergenceAt, type Lookup } from "../spec/divergence.js";
import { flatSignals } from "../testing/signals.js";

const { series } = simulateMarket({ seed: 21, bars: 6000 });

describe("atl-technical (Algo Trading Lab's technical source)", () => {
  it("enters only when a trigger and every confirmation hold, checked against independently computed indicators", () => {
    const strategy = loadStrategy("atl-technical", { short: 1 });
    const signals = flatSignals(strategy, series);
    const fast = ind.ema(series.close, 12);
    const slow = ind.ema(series.close, 26);
    const rsi = ind.rsi(series.close, 14);
    const adx = ind.adx(series.high, series.low, series.close, 14);
    const plusDi = ind.plusDi(series.high, series.low, series.close, 14);
    const minusDi = ind.minusDi(series.high, series.low, series.close, 14);
    const volumeAverage = ind.sma(series.volume, 20);
    const histogram = ind.macd(series.close, 12, 26, 9).histogram;
    const lookup =
      (values: Float64Array, t: number): Lookup =>
      (ago) =>
        t - ago >= 0 ? (values[t - ago] as number) : Number.NaN;
    const counts = { long: 0, short: 0, crossLong: 0, divergenceLong: 0, divergenceShort: 0 };
    for (const [t, signal] of signals.entries()) {
      const confirmedCommon = adx[t]! > 20 && series.volume[t]! > volumeAverage[t]!;
      const crossUp = fast[t]! > slow[t]! && fast[t - 1]! <= slow[t - 1]!;
      const crossDown = fast[t]! < slow[t]! && fast[t - 1]! >= slow[t - 1]!;
      const hiddenBull = divergenceAt(lookup(series.low, t), lookup(rsi, t), "hiddenBullish", 30, 2);
      const hiddenBear = divergenceAt(lookup(series.high, t), lookup(rsi, t), "hiddenBearish", 30, 2);
      const long =
        (crossUp || hiddenBull) && rsi[t]! < 70 && confirmedCommon && histogram[t]! > 0 && plusDi[t]! > minusDi[t]!;
      const short =
        (crossDown || hiddenBear) && rsi[t]! > 30 && confirmedCommon && histogram[t]! < 0 && minusDi[t]! > plusDi[t]!;
      // Long is checked first when flat, as the compiled spec does.
      const expected = long ? "buy" : short ? "sell" : undefined;
      expect(signal?.action, `bar ${t}`).toBe(expected);
      if (long) {
        counts.long++;
        if (crossUp) counts.crossLong++;
        if (hiddenBull && !crossUp) counts.divergenceLong++;
      }
      if (short && !long) {
        counts.short++;
        if (hiddenBear && !crossDown) counts.divergenceShort++;
      }
    }
    // Both sides and both triggers occur on this data, so the comparison above covers each branch.
    expect(counts.long).toBeGreaterThan(0);
    expect(counts.short).toBeGreaterThan(0);
    expect(counts.crossLong).toBeGreaterThan(0);
    expect(counts.divergenceLong).toBeGreaterThan(0);
    expect(counts.divergenceShort).toBeGreaterThan(0);
  });

  it("takes every threshold as a parameter", () => {
    const strategy = loadStrategy("atl-technical", { overbought: 65, adxThreshold: 25, oversold: 35 });
    expect(strategy.parameters).toMatchObject({ overbought: 65, adxThreshold: 25, oversold: 35, fast: 12, slow: 26 });
  });
});
