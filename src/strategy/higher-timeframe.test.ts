import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/sim-market.js";
import type { CandleSeries } from "../domain/candles.js";
import { BatchColumns, StreamingColumns } from "./columns.js";
import { INDICATOR_CATALOG } from "./indicator-catalog.js";
import { loadStrategy } from "./registry.js";
import { compileSpec } from "./spec/compile.js";
import { validateSpec } from "./spec/parse.js";
import type { IndicatorDeclaration } from "./spec/schema.js";
import { specWarmup } from "./spec/warmup.js";
import { flatSignals, prefix } from "./testing/signals.js";

const DAY = 86_400_000;
// Starts at 02:00 UTC, mid-way through a 4h bar and a day, so partial first buckets are covered.
const { series } = simulateMarket({ seed: 17, bars: 2000, startTime: 10 * DAY + 2 * 3_600_000 });

/** Bars with `drop` removed: gaps, including some that remove the closing hour of a 4h bar. */
function withGaps(s: CandleSeries, drop: (i: number) => boolean): CandleSeries {
  const keep = Array.from({ length: s.length }, (_, i) => i).filter((i) => !drop(i));
  const pick = (column: Float64Array) => Float64Array.from(keep, (i) => column[i] as number);
  return {
    ...s,
    length: keep.length,
    time: pick(s.time),
    open: pick(s.open),
    high: pick(s.high),
    low: pick(s.low),
    close: pick(s.close),
    volume: pick(s.volume),
  };
}

/** `s` with every bar after `t` replaced by a different random walk. */
function changeFuture(s: CandleSeries, t: number, factor: number): CandleSeries {
  const scale = (column: Float64Array) => column.map((v, i) => (i > t ? v * factor ** ((i % 7) - 3) : v));
  return { ...s, open: scale(s.open), high: scale(s.high), low: scale(s.low), close: scale(s.close) };
}

const declarations: IndicatorDeclaration[] = [
  { type: "sma", period: 3, timeframe: "4h" },
  { type: "ema", period: 5, source: "hl2", timeframe: "1d" },
  { type: "bbands", period: 4, timeframe: "4h" },
  { type: "adx", period: 3, timeframe: "4h" },
];

describe("indicators on a higher timeframe", () => {
  it("shows a 4h bar exactly from the 1h bar that closes with it: the 04:00-08:00 bar from the 07:00 bar on", () => {
    const hourly = simulateMarket({ seed: 3, bars: 48, startTime: 10 * DAY }).series;
    const values = new BatchColumns(hourly).indicator({ type: "max", period: 2, timeframe: "4h" }).values;
    const close = hourly.close;
    for (let i = 0; i < 48; i++) {
      // The 1h bar i closes at (i + 1) hours: 4h bars 0..k have closed, k = floor((i + 1) / 4) - 1.
      const k = Math.floor((i + 1) / 4) - 1;
      // MAX(2) of 4h closes: exact, and NaN until two 4h bars have closed. The 4h close k is the 1h close 4k + 3.
      const expected = k >= 1 ? Math.max(close[4 * k + 3] as number, close[4 * k - 1] as number) : Number.NaN;
      expect(values[i], `1h bar ${i}`).toBe(expected);
    }
    // The 07:00 bar (index 7, closing at 08:00) is the first to see the 04:00-08:00 bar; index 6 does not.
    expect(values[6]).toBeNaN();
    expect(values[7]).toBe(Math.max(close[3] as number, close[7] as number));
  });

  it("never looks ahead: changing every bar after t leaves every value up to t unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: series.length - 2 }), fc.double({ min: 0.5, max: 2 }), (t, factor) => {
        const future = changeFuture(series, t, factor);
        for (const declaration of declarations) {
          for (const output of INDICATOR_CATALOG[declaration.type].outputs) {
            const before = new BatchColumns(series).indicator(declaration, output).values.subarray(0, t + 1);
            const after = new BatchColumns(future).indicator(declaration, output).values.subarray(0, t + 1);
            expect(Array.from(after), `${JSON.stringify(declaration)} ${output}`).toEqual(Array.from(before));
          }
        }
      }),
      { numRuns: 40, seed: 8 },
    );
  });

  it("streams the same values as the batch form, bar for bar, with gaps and a partial first bucket", () => {
    const gappy = withGaps(series, (i) => i % 37 === 5 || i % 53 === 1 || (i > 600 && i < 640));
    for (const s of [series, gappy]) {
      const batch = new BatchColumns(s);
      const streaming = new StreamingColumns(16, "1h");
      const columns = declarations.map((d) => streaming.indicator(d));
      for (let i = 0; i < s.length; i++) {
        streaming.append({
          time: s.time[i] as number,
          open: s.open[i] as number,
          high: s.high[i] as number,
          low: s.low[i] as number,
          close: s.close[i] as number,
          volume: s.volume[i] as number,
        });
      }
      for (const [j, declaration] of declarations.entries()) {
        const expected = Array.from(batch.indicator(declaration).values);
        expect(Array.from(columns[j]!.values.subarray(0, s.length)), JSON.stringify(declaration)).toEqual(expected);
      }
    }
  });

  it("lets a spec read a daily indicator from hourly bars, with decisions unchanged by the future", () => {
    const spec = validateSpec({
      name: "daily-trend",
      indicators: {
        daily: { type: "ema", period: 3, timeframe: "1d" },
        fast: { type: "sma", period: 5 },
      },
      entry: { long: { all: [{ crossAbove: ["close", "fast"] }, { gt: ["close", "daily"] }] } },
    });
    const strategy = compileSpec(spec);
    const signals = flatSignals(strategy, series);
    expect(signals.filter((s) => s?.action === "buy").length).toBeGreaterThan(0);
    for (const t of [100, 777, 1500]) {
      expect(flatSignals(strategy, prefix(series, t + 1))).toEqual(signals.slice(0, t + 1));
      expect(flatSignals(strategy, changeFuture(series, t, 1.3)).slice(0, t + 1)).toEqual(signals.slice(0, t + 1));
    }
    // The first daily close the EMA(3) has is that of the third full day, seen from its last hourly bar.
    expect(specWarmup(spec, {}, "1h").bars).toBe(71);
  });

  it("refuses a timeframe lower than, or not a multiple of, the data's, naming both", () => {
    const fourHourly = simulateMarket({ seed: 1, bars: 100, timeframe: "4h" }).series;
    expect(() => new BatchColumns(fourHourly).indicator({ type: "sma", period: 3, timeframe: "1h" })).toThrowError(
      /cannot be computed from 4h bars: 1h must be a whole multiple of 4h, and not lower/,
    );
    expect(() => new StreamingColumns(16, "4h").indicator({ type: "sma", period: 3, timeframe: "6h" })).toThrowError(
      /6h must be a whole multiple of 4h/,
    );
    // The same timeframe as the data is simply the plain indicator.
    const same = new BatchColumns(series).indicator({ type: "sma", period: 3, timeframe: "1h" }).values;
    expect(Array.from(same)).toEqual(Array.from(new BatchColumns(series).indicator({ type: "sma", period: 3 }).values));
    expect(loadStrategy("sma-cross").spec.indicators.fast).not.toHaveProperty("timeframe");
  });
});
