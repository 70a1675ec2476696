import { describe, expect, it } from "vitest";
import { RollingPercentile } from "./rolling-percentile.js";

/** NumPy-style linear percentile of a plain array, the reference. */
function naive(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

describe("RollingPercentile", () => {
  it("interpolates linearly between closest ranks", () => {
    const window = new RollingPercentile(4);
    for (const v of [10, 40, 20, 30]) window.push(v);
    expect(window.percentile(0)).toBe(10);
    expect(window.percentile(50)).toBe(25);
    expect(window.percentile(90)).toBeCloseTo(37, 12);
    expect(window.percentile(100)).toBe(40);
  });

  it("forgets the oldest value once the window is full", () => {
    const window = new RollingPercentile(3);
    for (const v of [100, 1, 2]) window.push(v);
    expect(window.percentile(100)).toBe(100);
    window.push(3);
    expect(window.count).toBe(3);
    expect(window.percentile(100)).toBe(3);
    expect(window.percentile(0)).toBe(1);
  });

  it("equals a full sort of the last values on a long seeded random walk with repeated values", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const window = new RollingPercentile(50);
    const history: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const value = Math.round(random() * 40) / 4; // few distinct values: duplicates must be evicted one at a time
      window.push(value);
      history.push(value);
      const last = history.slice(-50);
      for (const p of [0, 10, 50, 90, 100]) expect(window.percentile(p)).toBe(naive(last, p));
    }
  });

  it("is NaN when empty and rejects NaN values and windows below 2", () => {
    expect(new RollingPercentile(2).percentile(50)).toBeNaN();
    expect(() => new RollingPercentile(2).push(Number.NaN)).toThrow(/NaN/);
    expect(() => new RollingPercentile(1)).toThrow(/window must be an integer >= 2, got 1/);
  });
});
