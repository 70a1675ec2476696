import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rsi } from "../../indicators/rsi.js";
import { randomBars } from "../../indicators/testing/random-bars.js";
import { buildFeatureMatrix, type ContextSeries } from "./feature-matrix.js";
import {
  ACCOUNT_FEATURES,
  ALL_FEATURES,
  DQN_FEATURES,
  LEVERAGE_DQN_FEATURES,
  MARKET_FEATURES,
} from "./feature-names.js";
import type { FeatureCandles } from "./market-features.js";

const HOUR = 3_600_000;

function candles(length: number, seed = 7): FeatureCandles {
  const bars = randomBars(length, seed);
  return { ...bars, time: Float64Array.from({ length }, (_, i) => i * HOUR) };
}

function sameValue(a: number, b: number): boolean {
  return Object.is(a, b);
}

describe("feature catalog", () => {
  it("names 18 DQN and 35 leverage-DQN features, all distinct and all known to the pipeline", () => {
    expect(DQN_FEATURES).toHaveLength(18);
    expect(LEVERAGE_DQN_FEATURES).toHaveLength(35);
    expect(new Set(DQN_FEATURES).size).toBe(18);
    expect(new Set(LEVERAGE_DQN_FEATURES).size).toBe(35);
    for (const name of [...DQN_FEATURES, ...LEVERAGE_DQN_FEATURES]) expect(ALL_FEATURES).toContain(name);
  });
});

describe("buildFeatureMatrix", () => {
  it("returns one column per market feature, NaN before validFrom in some column and finite everywhere after", () => {
    const input = candles(400);
    const matrix = buildFeatureMatrix(input);
    expect(matrix.names).toEqual([...MARKET_FEATURES]);
    expect(matrix.validFrom).toBe(50); // the 50-bar log-return volatility needs 51 closes
    expect(matrix.names.some((name) => Number.isNaN(matrix.column(name)[matrix.validFrom - 1] as number))).toBe(true);
    for (const column of matrix.columns) {
      expect(column).toHaveLength(400);
      for (let i = matrix.validFrom; i < 400; i++) expect(Number.isFinite(column[i] as number)).toBe(true);
    }
  });

  it("computes changes from closes and RSI from the TA-Lib-equal indicator, scaled to 0..1", () => {
    const input = candles(200);
    const matrix = buildFeatureMatrix(input);
    const close = input.close;
    const i = 120;
    expect(matrix.column("price_change_1h")[i]).toBeCloseTo((close[i] as number) / (close[i - 1] as number) - 1, 12);
    expect(matrix.column("price_change_24h")[i]).toBeCloseTo((close[i] as number) / (close[i - 24] as number) - 1, 12);
    expect(matrix.column("rsi")[i]).toBeCloseTo((rsi(close, 14)[i] as number) / 100, 12);
  });

  it("counts 1h/4h/24h in bars of the series' own length (15-minute bars: 4, 16, 96 bars)", () => {
    const input = candles(300);
    const quarterHours = { ...input, time: input.time.map((t) => t / 4) };
    const matrix = buildFeatureMatrix(quarterHours);
    const close = input.close;
    expect(matrix.column("price_change_1h")[200]).toBeCloseTo((close[200] as number) / (close[196] as number) - 1, 12);
    expect(matrix.column("price_change_24h")[200]).toBeCloseTo((close[200] as number) / (close[104] as number) - 1, 12);
  });

  it("features for bar t do not change when any later bar changes (property)", () => {
    const base = candles(260, 3);
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 250 }),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (cut, factors, volumeSeed) => {
          const changed = {
            time: base.time,
            high: Float64Array.from(base.high),
            low: Float64Array.from(base.low),
            close: Float64Array.from(base.close),
            volume: Float64Array.from(base.volume),
          };
          for (let i = cut + 1; i < 260; i++) {
            const factor = factors[i % factors.length] as number;
            changed.close[i] = (changed.close[i] as number) * factor;
            changed.high[i] = Math.max(changed.close[i] as number, (changed.high[i] as number) * factor);
            changed.low[i] = Math.min(changed.close[i] as number, (changed.low[i] as number) * factor);
            changed.volume[i] = (volumeSeed % 997) * factor;
          }
          const context: ContextSeries = {
            known: base.time.map((t) => t + 1800_000),
            values: base.close.map((c) => c / 1e6),
          };
          const futureContext: ContextSeries = {
            known: context.known,
            values: context.values.map((v, i) => (i > cut ? v * 3 : v)),
          };
          const before = buildFeatureMatrix(base, { context: { funding_rate: context } });
          const after = buildFeatureMatrix(changed, { context: { funding_rate: futureContext } });
          for (let c = 0; c < before.columns.length; c++) {
            for (let i = 0; i <= cut; i++) {
              if (!sameValue(before.columns[c]?.[i] as number, after.columns[c]?.[i] as number)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });

  it("takes a context value from the instant it is known, up to the bar's close, never earlier", () => {
    const input = candles(100);
    const funding: ContextSeries = {
      known: Float64Array.from([10 * HOUR, 18 * HOUR + 1]),
      values: Float64Array.from([0.0001, 0.0003]),
    };
    const column = buildFeatureMatrix(input, { context: { funding_rate: funding } }).column("funding_rate");
    expect(column[8]).toBeNaN(); // bar 8 closes at 9h
    expect(column[9]).toBe(0.0001); // bar 9 closes at 10h, when the value is known
    expect(column[17]).toBe(0.0001); // bar 17 closes at 18h, 1 ms before the next one
    expect(column[18]).toBe(0.0003);
  });

  it("fills account features the caller leaves out as a flat account with no history", () => {
    const input = candles(80);
    const position = new Float64Array(80).fill(1);
    const matrix = buildFeatureMatrix(input, { features: ACCOUNT_FEATURES, account: { current_position: position } });
    expect(matrix.column("current_position")[10]).toBe(1);
    expect(matrix.column("position_pnl")[10]).toBe(0);
    expect(matrix.column("win_rate_recent")[10]).toBe(0.5);
    expect(matrix.validFrom).toBe(0);
  });

  it("refuses an unknown feature and a context feature whose series is missing, naming it", () => {
    const input = candles(80);
    expect(() => buildFeatureMatrix(input, { features: ["rsi", "moon_phase" as never] })).toThrow(
      /unknown feature "moon_phase"/,
    );
    expect(() => buildFeatureMatrix(input, { features: ["funding_rate"] })).toThrow(
      /funding_rate needs its context series/,
    );
  });

  it("serves rows as float32 blocks in column order", () => {
    const matrix = buildFeatureMatrix(candles(120));
    const block = matrix.rowsBlock([100, 110]);
    expect(block).toHaveLength(2 * matrix.names.length);
    expect(block[matrix.names.length + 6]).toBeCloseTo(matrix.column("rsi")[110] as number, 6);
  });
});
