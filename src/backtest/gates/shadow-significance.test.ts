import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { MIN_PAIRED_DAYS, shadowSignificance } from "./shadow-significance.js";

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

/** Hourly equity of both accounts over `days` days; each day's return drawn per account. */
function points(days: number, shadowDrift: number, liveDrift: number, seed = 7) {
  const random = createRandom(seed);
  const out: { time: number; equity: number; liveEquity: number }[] = [];
  let shadow = 10_000;
  let live = 10_000;
  for (let h = 0; h < days * 24; h++) {
    const noise = (random.next() - 0.5) * 0.004;
    shadow *= 1 + shadowDrift / 24 + noise;
    live *= 1 + liveDrift / 24 + noise * 0.5 + (random.next() - 0.5) * 0.002;
    out.push({ time: T0 + h * H, equity: shadow, liveEquity: live });
  }
  return out;
}

describe("shadowSignificance (shadow vs live on daily returns)", () => {
  it("gives a small p-value to a shadow that beats live every day by more than its noise", () => {
    const test = shadowSignificance(points(30, 0.01, 0));
    expect(test.days).toBe(29);
    expect(test.pending).toBeUndefined();
    expect(test.pValue).toBeLessThan(0.01);
    expect(test.bootstrapPValue).toBeLessThan(0.05);
  });

  it("gives no evidence when the shadow does what live does", () => {
    const same = points(30, 0.002, 0.002).map((p) => ({ ...p, liveEquity: p.equity }));
    const test = shadowSignificance(same);
    expect(test.pValue).toBe(1);
  });

  it("gives a large p-value to a shadow that trails live", () => {
    expect(shadowSignificance(points(30, -0.01, 0)).pValue).toBeGreaterThan(0.9);
  });

  it("waits for enough whole days, saying how many it has", () => {
    const test = shadowSignificance(points(MIN_PAIRED_DAYS, 0.01, 0));
    // The first day has no return: 10 days of equity give 9 daily returns.
    expect(test).toEqual({
      pValue: null,
      bootstrapPValue: null,
      days: MIN_PAIRED_DAYS - 1,
      pending: `${MIN_PAIRED_DAYS - 1} of ${MIN_PAIRED_DAYS} paired days for the test against live`,
    });
    expect(shadowSignificance([]).pending).toMatch(/^0 of 10 paired days/);
  });
});
