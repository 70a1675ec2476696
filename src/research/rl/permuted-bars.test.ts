import { describe, expect, it } from "vitest";
import { candlesFromCloses, trendingCloses } from "../../ai/rl/testing.js";
import { permuteBars } from "./permuted-bars.js";

const candles = candlesFromCloses(trendingCloses(600, 3));

function logReturns(close: Float64Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(Math.log((close[i] as number) / (close[i - 1] as number)));
  return out;
}

describe("permuteBars (the RL permutation baseline's training series)", () => {
  it("shuffles the window's returns, keeps their multiset, the end price and the bars outside the window", () => {
    const p = permuteBars(candles, 1, 400, 7);
    const real = logReturns(candles.close, 1, 400);
    const shuffled = logReturns(p.close, 1, 400);
    expect(shuffled).not.toEqual(real);
    const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const a = sort(real);
    const b = sort(shuffled);
    for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k] as number, 12);
    expect(p.close[399]).toBeCloseTo(candles.close[399] as number, 8);
    expect(Array.from(p.close.subarray(400))).toEqual(Array.from(candles.close.subarray(400)));
    expect(Array.from(p.time)).toEqual(Array.from(candles.time));
    expect(p.close[0]).toBe(candles.close[0]);
  });

  it("keeps every bar a valid OHLC bar, and is the same for the same seed", () => {
    const p = permuteBars(candles, 1, 600, 2);
    for (let i = 0; i < p.length; i++) {
      const hi = p.high[i] as number;
      const lo = p.low[i] as number;
      expect(hi).toBeGreaterThanOrEqual(Math.max(p.open[i] as number, p.close[i] as number) * (1 - 1e-12));
      expect(lo).toBeLessThanOrEqual(Math.min(p.open[i] as number, p.close[i] as number) * (1 + 1e-12));
    }
    expect(Array.from(permuteBars(candles, 1, 600, 2).close)).toEqual(Array.from(p.close));
    expect(Array.from(permuteBars(candles, 1, 600, 3).close)).not.toEqual(Array.from(p.close));
  });

  it("refuses a window outside the series", () => {
    expect(() => permuteBars(candles, 0, 10, 1)).toThrow(/need 1 <= from < to/);
    expect(() => permuteBars(candles, 1, 601, 1)).toThrow(/need 1 <= from < to/);
  });
});
