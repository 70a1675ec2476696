import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CandleSeries } from "../../domain/candles.js";
import { flatSignals, prefix } from "../testing/signals.js";
import { compileSpec } from "./compile.js";
import { divergenceAt, isPivot, type Lookup } from "./divergence.js";
import { validateSpec } from "./parse.js";

/** A lookup over `values` as seen at bar `t`: ago 0 is bar t; NaN before bar 0 or after t. */
const at =
  (values: readonly number[], t: number): Lookup =>
  (ago) =>
    ago >= 0 && t - ago >= 0 ? (values[t - ago] ?? Number.NaN) : Number.NaN;

// Pivot lows (strength 2) at bars 2 (8.0) and 6 (8.5): a higher low in price.
const low = [10, 9, 8, 9, 10, 9.5, 8.5, 9, 10, 10.5];
const lowerRsiLow = [50, 45, 40, 45, 50, 42, 35, 44, 50, 52];
const higherRsiLow = [50, 45, 40, 45, 50, 46, 45, 48, 50, 52];

describe("divergence", () => {
  it("finds pivots only once `pivot` later bars have closed", () => {
    expect(isPivot(at(low, 7), 1, 2, true)).toBe(false); // bar 6 seen from bar 7: one bar after it
    expect(isPivot(at(low, 8), 2, 2, true)).toBe(true); // bar 6 seen from bar 8
    expect(isPivot(at(low, 8), 6, 2, true)).toBe(true); // bar 2
    expect(isPivot(at(low, 8), 4, 2, true)).toBe(false); // bar 4 is a high
  });

  it("is a hidden bullish divergence exactly from the bar that confirms the second pivot", () => {
    const hidden = (t: number, lookback = 10) =>
      divergenceAt(at(low, t), at(lowerRsiLow, t), "hiddenBullish", lookback, 2);
    expect(hidden(7)).toBe(false);
    expect(hidden(8)).toBe(true);
    expect(hidden(9)).toBe(true);
    // The older pivot (bar 2) is 6 bars back at bar 8: outside a lookback of 5.
    expect(hidden(8, 5)).toBe(false);
    expect(hidden(8, 6)).toBe(true);
  });

  it("distinguishes the four kinds by the direction of price and oscillator", () => {
    const kind = (oscillator: number[], k: Parameters<typeof divergenceAt>[2]) =>
      divergenceAt(at(low, 8), at(oscillator, 8), k, 10, 2);
    expect(kind(lowerRsiLow, "hiddenBullish")).toBe(true);
    expect(kind(lowerRsiLow, "bullish")).toBe(false); // price made a higher low, not a lower one
    expect(kind(higherRsiLow, "hiddenBullish")).toBe(false);
    const high = low.map((v) => 20 - v); // pivot highs at 2 (12) and 6 (11.5): a lower high
    const rsi = lowerRsiLow.map((v) => 100 - v); // oscillator highs 60 then 65: a higher high
    expect(divergenceAt(at(high, 8), at(rsi, 8), "hiddenBearish", 10, 2)).toBe(true);
    expect(divergenceAt(at(high, 8), at(rsi, 8), "bearish", 10, 2)).toBe(false);
  });

  it("never looks ahead: changing bars after t leaves every signal up to t unchanged", () => {
    const spec = validateSpec({
      name: "divergences",
      indicators: { rsi: { type: "rsi", period: 5 } },
      entry: {
        long: {
          any: [
            { divergence: { kind: "hiddenBullish", price: "low", oscillator: "rsi", lookback: 20, pivot: 2 } },
            { divergence: { kind: "bullish", price: "close", oscillator: "rsi", lookback: 15, pivot: 1 } },
          ],
        },
        short: { divergence: { kind: "hiddenBearish", price: "high", oscillator: "rsi", lookback: 20, pivot: 3 } },
      },
      allowShort: true,
    });
    const strategy = compileSpec(spec);
    let fired = 0;
    const walk = fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 120, maxLength: 120 });
    fc.assert(
      fc.property(walk, walk, fc.integer({ min: 10, max: 110 }), (steps, otherSteps, t) => {
        const series = seriesFrom(steps);
        const future = seriesFrom([...steps.slice(0, t + 1), ...otherSteps.slice(t + 1)]);
        const full = flatSignals(strategy, series).slice(0, t + 1);
        expect(flatSignals(strategy, future).slice(0, t + 1)).toEqual(full);
        expect(flatSignals(strategy, prefix(series, t + 1))).toEqual(full);
        fired += full.filter((signal) => signal !== undefined).length;
      }),
      { numRuns: 60, seed: 9 },
    );
    expect(fired).toBeGreaterThan(0);
  });

  it("fires on random walks (the property above is not vacuous)", () => {
    const spec = validateSpec({
      name: "d",
      indicators: { rsi: { type: "rsi", period: 5 } },
      entry: { long: { divergence: { kind: "hiddenBullish", price: "low", oscillator: "rsi", lookback: 20 } } },
    });
    const steps = Array.from({ length: 500 }, (_, i) => 0.02 * Math.sin(i * 0.7) + 0.01 * Math.sin(i * 0.13));
    const fired = flatSignals(compileSpec(spec), seriesFrom(steps)).filter((s) => s?.action === "buy").length;
    expect(fired).toBeGreaterThan(0);
  });
});

/** Bars from log-return steps: the close walks, high/low straddle it by half a step, volume is constant. */
function seriesFrom(steps: readonly number[]): CandleSeries {
  const n = steps.length;
  const close = new Float64Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) close[i] = price *= Math.exp(steps[i] as number);
  const open = close.map((c, i) => (i === 0 ? c : (close[i - 1] as number)));
  const high = close.map((c, i) => Math.max(c, open[i] as number) * (1 + Math.abs(steps[i] as number) / 2));
  const low = close.map((c, i) => Math.min(c, open[i] as number) * (1 - Math.abs(steps[i] as number) / 2));
  return {
    symbol: "TEST",
    timeframe: "1h",
    length: n,
    time: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
    open,
    high,
    low,
    close,
    volume: new Float64Array(n).fill(1),
  };
}
