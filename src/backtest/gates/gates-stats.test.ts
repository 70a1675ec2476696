import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { bootstrapExcessTest } from "./bootstrap-test.js";
import { deflatedSharpe, expectedMaxSharpe } from "./deflated-sharpe.js";
import { normalCdf, normalQuantile } from "./normal.js";
import { probabilityOfOverfitting } from "./pbo.js";

const noise = (seed: number, n: number, mean = 0, sd = 0.01) => {
  const random = createRandom(seed);
  return Float64Array.from({ length: n }, () => random.normal(mean, sd));
};

function blockStats(returns: Float64Array, blocks: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const part = returns.subarray(
      Math.floor((b * returns.length) / blocks),
      Math.floor(((b + 1) * returns.length) / blocks),
    );
    out.push(
      part.length,
      part.reduce((s, v) => s + v, 0),
      part.reduce((s, v) => s + v * v, 0),
    );
  }
  return out;
}

describe("normal distribution helpers", () => {
  it("invert each other and match known quantiles", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    for (const p of [0.001, 0.02, 0.3, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });
});

describe("deflated Sharpe ratio", () => {
  it("expects a higher best Sharpe from more trials (Bailey & López de Prado: ~2.53 σ for 100 trials)", () => {
    expect(expectedMaxSharpe(1, 1)).toBe(0);
    expect(expectedMaxSharpe(100, 1)).toBeCloseTo(2.5306, 3);
    expect(expectedMaxSharpe(1000, 1)).toBeGreaterThan(expectedMaxSharpe(100, 1));
  });

  it("is high for a real edge tried once and falls as the number of trials grows", () => {
    const returns = noise(1, 2000, 0.002, 0.01);
    const once = deflatedSharpe({ returns, trials: 1, trialSharpeVariance: 0 });
    expect(once.dsr).toBeGreaterThan(0.99);
    const many = deflatedSharpe({ returns, trials: 1000, trialSharpeVariance: 0.1 ** 2 });
    expect(many.dsr).toBeLessThan(0.5);
  });
});

describe("probability of backtest overfitting (CSCV)", () => {
  it("is about one half on average when every trial is noise", () => {
    // One data set gives a PBO anywhere in [0, 1] (the splits share their bars); the mean over 20 is near 0.5.
    const values = Array.from({ length: 20 }, (_, d) => {
      const trials = Array.from({ length: 40 }, (_, k) => blockStats(noise(1000 * d + k, 1600), 10));
      const result = probabilityOfOverfitting(trials, 10);
      expect(result.splits).toBe(252);
      return result.pbo;
    });
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it("is near zero when one trial has a real edge everywhere", () => {
    const trials = Array.from({ length: 40 }, (_, k) => blockStats(noise(200 + k, 1600, k === 7 ? 0.004 : 0), 10));
    expect(probabilityOfOverfitting(trials, 10).pbo).toBeLessThan(0.05);
  });

  it("refuses an odd block count, naming it", () => {
    expect(() => probabilityOfOverfitting([[], []], 5)).toThrow(/even number of blocks/);
  });
});

describe("bootstrap test against a benchmark", () => {
  it("gives a small p-value to a candidate that beats the benchmark and a large one to a copy of it", () => {
    const benchmark = noise(3, 3000);
    const better = benchmark.map((v, i) => v + 0.001 + (noise(4, 3000)[i] as number) * 0.2);
    expect(bootstrapExcessTest(better, benchmark).pValue).toBeLessThan(0.01);
    const same = noise(5, 3000);
    expect(bootstrapExcessTest(same, noise(6, 3000)).pValue).toBeGreaterThan(0.05);
  });

  it("is deterministic for a seed", () => {
    const a = noise(7, 500);
    const b = noise(8, 500);
    expect(bootstrapExcessTest(a, b, { seed: 3 })).toEqual(bootstrapExcessTest(a, b, { seed: 3 }));
  });
});
