import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/index.js";
import type { CandleSeries } from "../../domain/candles.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import { evaluateFitness, type FitnessPlan, testRanges } from "./fitness.js";
import { prepareScreening } from "./screening/screen.js";

const { series } = simulateMarket({ seed: 31, bars: 3000 });
const spec = validateSpec({
  name: "sma-close",
  indicators: { fast: { type: "sma", period: 10 }, slow: { type: "sma", period: 30 } },
  entry: { long: { crossAbove: ["fast", "slow"] }, short: { crossBelow: ["fast", "slow"] } },
  allowShort: true,
  exits: { stopLossPct: 2 },
  sizing: { type: "percent-equity", value: 50 },
});
const plan: FitnessPlan = {
  from: 0,
  to: 3000,
  mode: "rolling",
  trainBars: 1000,
  testBars: 500,
  purgeBars: 24,
  embargoBars: 10,
  minTrades: 5,
  complexityPenalty: 0.1,
  objective: "sharpe",
  settings: { cash: 10_000, fee: 0.001 },
  blocks: 8,
};

/** The same bars with bars [0, end) scaled and shaken: a different market where only the training windows look. */
function rewriteEarlyBars(s: CandleSeries, end: number): CandleSeries {
  const copy = (a: Float64Array) => Float64Array.from(a);
  const out = { ...s, open: copy(s.open), high: copy(s.high), low: copy(s.low), close: copy(s.close) };
  for (let i = 0; i < end; i++) {
    const factor = 1 + 0.2 * Math.sin(i / 7);
    for (const column of [out.open, out.high, out.low, out.close]) column[i] = (column[i] as number) * factor;
  }
  return out;
}

describe("out-of-sample fitness", () => {
  it("tests only after a purge gap and before an embargo, never on the first training window", () => {
    const ranges = testRanges(plan);
    expect(ranges.map((r) => r.test)).toEqual([
      [1024, 1490],
      [1524, 1990],
      [2024, 2490],
      [2524, 2990],
    ]);
    for (const r of ranges) expect(r.test[0] - r.train[1]).toBe(24);
  });

  it("never uses in-sample numbers: changing bars only training windows see leaves fitness identical", () => {
    const original = evaluateFitness(prepareScreening(series), spec, plan, { inSample: true });
    // Bars before 900 are in the first training window only (the test windows' SMAs reach back 30 bars from 1024).
    const changed = evaluateFitness(prepareScreening(rewriteEarlyBars(series, 900)), spec, plan, { inSample: true });
    expect(changed.inSample).not.toEqual(original.inSample);
    expect(changed.fitness).toBe(original.fitness);
    expect(changed.outOfSample).toEqual(original.outOfSample);
    expect(original.fitness).not.toBeNull();
  });

  it("is the out-of-sample Sharpe minus the complexity penalty", () => {
    const result = evaluateFitness(prepareScreening(series), spec, plan);
    expect(result.complexity).toBe(2);
    expect(result.fitness).toBeCloseTo((result.outOfSample.sharpe as number) - 0.1, 12);
  });

  it("gives no fitness below the minimum trade count, and says why", () => {
    const result = evaluateFitness(prepareScreening(series), spec, { ...plan, minTrades: 10_000 });
    expect(result.fitness).toBeNull();
    expect(result.reason).toMatch(/out-of-sample trades, fewer than 10000/);
  });

  it("gives no fitness to a spec that never trades", () => {
    const never = validateSpec({ name: "never", entry: { long: { gt: ["close", 1e12] } } });
    const result = evaluateFitness(prepareScreening(series), never, plan);
    expect(result.fitness).toBeNull();
    expect(result.outOfSample.trades).toBe(0);
  });
});
