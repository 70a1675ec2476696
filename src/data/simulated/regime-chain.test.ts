import { describe, expect, it } from "vitest";
import { regimeShares } from "./regime-chain.js";

describe("regimeShares", () => {
  it("weights a two-regime alternation by the mean durations", () => {
    const shares = regimeShares(
      {
        meanDuration: [100, 300],
        next: [
          [0, 1],
          [1, 0],
        ],
      },
      0,
    );
    expect(shares[0]).toBeCloseTo(0.25, 12);
    expect(shares[1]).toBeCloseTo(0.75, 12);
  });

  it("follows the jump weights: a regime entered twice as often gets twice the share at equal durations", () => {
    // 0 → 1 or 2 (2:1), 1 → 0, 2 → 0: visits 0, 1, 2 in proportions 3 : 2 : 1.
    const shares = regimeShares(
      {
        meanDuration: [10, 10, 10],
        next: [
          [0, 2, 1],
          [1, 0, 0],
          [1, 0, 0],
        ],
      },
      0,
    );
    expect(Array.from(shares, (share) => Number(share.toFixed(9)))).toEqual([0.5, 0.333333333, 0.166666667]);
  });

  it("gives no share to a regime that cannot be reached from the initial one", () => {
    // 2 leads into {0, 1} but nothing leads back to 2.
    const shares = regimeShares(
      {
        meanDuration: [50, 50, 50],
        next: [
          [0, 1, 0],
          [1, 0, 0],
          [1, 0, 0],
        ],
      },
      0,
    );
    expect(shares[2]).toBe(0);
    expect(shares[0]).toBeCloseTo(0.5, 12);
  });
});
