import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { normalCdf } from "./normal.js";
import { dailyReturns, pairedSignificance } from "./paired-significance.js";

const noise = (seed: number, n: number, sd: number) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.normal(0, sd));
};

describe("paired significance of a candidate against the live strategy", () => {
  it("has p = 1 when the candidate's daily returns are the live strategy's", () => {
    const live = noise(1, 120, 0.01);
    const test = pairedSignificance(live, live);
    expect(test.pValue).toBe(1);
    expect(test.meanDifference).toBe(0);
  });

  it("has p = 0 for a constant positive difference, and 1 for a constant negative one", () => {
    const live = noise(2, 60, 0.01);
    expect(
      pairedSignificance(
        live.map((r) => r + 0.001),
        live,
      ).pValue,
    ).toBe(0);
    expect(
      pairedSignificance(
        live.map((r) => r - 0.001),
        live,
      ).pValue,
    ).toBe(1);
  });

  it("with lag 0 is the one-sided z-test of the mean difference, computed by hand", () => {
    const live = [0.01, -0.02, 0.005, 0.0, 0.012, -0.004, 0.007, -0.011, 0.003, 0.009, -0.006, 0.002];
    const diff = [0.002, -0.001, 0.003, 0.0005, -0.0015, 0.004, 0.001, -0.002, 0.0025, 0.0, 0.001, 0.0035];
    const candidate = live.map((r, i) => r + (diff[i] as number));
    const n = diff.length;
    const mean = diff.reduce((s, v) => s + v, 0) / n;
    const variance = diff.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const z = mean / Math.sqrt(variance / n);
    const test = pairedSignificance(candidate, live, { lag: 0 });
    expect(test.statistic).toBeCloseTo(z, 9);
    expect(test.pValue).toBeCloseTo(1 - normalCdf(z), 12);
  });

  it("finds a real edge of 0.3 % a day over a year of noisy days, and none in pure noise", () => {
    const live = noise(3, 365, 0.02);
    const better = live.map((r, i) => r + 0.003 + (noise(4, 365, 0.01)[i] as number));
    const edge = pairedSignificance(better, live);
    expect(edge.pValue).toBeLessThan(0.001);
    expect(edge.bootstrapPValue).toBeLessThan(0.01);
    const same = pairedSignificance(
      live.map((r, i) => r + (noise(5, 365, 0.01)[i] as number)),
      live,
    );
    expect(same.pValue).toBeGreaterThan(0.05);
    expect(same.bootstrapPValue).toBeGreaterThan(0.05);
  });

  it("counts serial correlation: a persistent difference is less significant with the Newey–West lag", () => {
    const random = createRandom(6);
    const diff: number[] = [];
    let state = 0;
    for (let i = 0; i < 200; i++) {
      state = 0.8 * state + random.normal(0, 0.002);
      diff.push(0.0004 + state);
    }
    const live = noise(7, 200, 0.01);
    const candidate = live.map((r, i) => r + (diff[i] as number));
    expect(pairedSignificance(candidate, live, { lag: 10 }).pValue).toBeGreaterThan(
      pairedSignificance(candidate, live, { lag: 0 }).pValue,
    );
  });

  it("refuses series of different days or too few days, naming the counts", () => {
    expect(() => pairedSignificance([1, 2, 3], [1, 2])).toThrow(/candidate has 3 daily returns, live 2/);
    expect(() => pairedSignificance([1, 2], [1, 2])).toThrow(/at least 10 days, got 2/);
  });
});

describe("dailyReturns", () => {
  it("compounds hourly equity into UTC days: each day's last equity over the day before's", () => {
    const t0 = Date.UTC(2025, 0, 1);
    const hour = 3_600_000;
    const time = [t0, t0 + 12 * hour, t0 + 23 * hour, t0 + 24 * hour, t0 + 47 * hour, t0 + 48 * hour];
    const equity = [100, 101, 102, 103, 99.96, 105];
    const { days, returns } = dailyReturns(time, equity);
    expect(Array.from(days)).toEqual([t0 + 24 * hour, t0 + 48 * hour]);
    expect(returns[0]).toBeCloseTo(99.96 / 102 - 1, 12);
    expect(returns[1]).toBeCloseTo(105 / 99.96 - 1, 12);
  });
});
