import { describe, expect, it } from "vitest";
import type { ClosedTrade } from "../../domain/trade.js";
import { allocate, bound, checkRebalance } from "./meta-allocator.js";
import { PerformanceBook } from "./performance-book.js";

/** n returns alternating +σ and −σ: mean 0, sample standard deviation σ·√(n/(n−1)) for every σ alike. */
const alternating = (sigma: number, n = 100) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? sigma : -sigma));
/** n returns alternating mean ± σ. */
const drifting = (mean: number, sigma: number, n: number) => alternating(sigma, n).map((r) => r + mean);
const weightsOf = (a: ReturnType<typeof allocate>) => a.lines.map((l) => l.weight);
const NO_LIMITS = { dailyRiskBudget: 1, shrinkage: 0 };

describe("meta-allocator", () => {
  it("splits by inverse volatility (risk parity) when no strategy has an edge: σ 1/2/4 % → 4/7, 2/7, 1/7 before bounds", () => {
    const a = allocate(
      [
        { id: "a", returns: alternating(0.01) },
        { id: "b", returns: alternating(0.02) },
        { id: "c", returns: alternating(0.04) },
      ],
      { ...NO_LIMITS, maxWeight: 1, minWeight: 0 },
    );
    expect(weightsOf(a).map((w) => w * 7)).toEqual([
      expect.closeTo(4, 12),
      expect.closeTo(2, 12),
      expect.closeTo(1, 12),
    ]);
  });

  it("caps at 40 % and spreads the excess in proportion: 4/7, 2/7, 1/7 → 40, 40, 20 %", () => {
    const a = allocate(
      [
        { id: "a", returns: alternating(0.01) },
        { id: "b", returns: alternating(0.02) },
        { id: "c", returns: alternating(0.04) },
      ],
      NO_LIMITS,
    );
    expect(weightsOf(a)).toEqual([expect.closeTo(0.4, 12), expect.closeTo(0.4, 12), expect.closeTo(0.2, 12)]);
  });

  it("keeps every one of ten strategies at 5 % or more, none above 40 %, summing to 100 %", () => {
    const strategies = Array.from({ length: 10 }, (_, i) => ({
      id: `s${i}`,
      returns: alternating(i === 0 ? 0.001 : 0.05 * (i + 1)),
    }));
    const w = weightsOf(allocate(strategies, NO_LIMITS));
    expect(w[0]).toBeCloseTo(0.4, 12);
    expect(Math.min(...w)).toBeCloseTo(0.05, 12);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(bound([0.9, 0.05, 0.05], 0.05, 0.4)).toEqual([0.4, expect.closeTo(0.3, 12), expect.closeTo(0.3, 12)]);
  });

  it("tilts toward the better Sharpe by exp(γ·S) without shrinkage", () => {
    // Same σ; Sharpe per day 0.1 and 0 → annualised 0.1·√365 = 1.91 → weight ratio exp(0.5 × 1.91).
    const a = allocate(
      [
        { id: "good", returns: drifting(0.001, 0.01, 400) },
        { id: "flat", returns: drifting(0, 0.01, 400) },
      ],
      { ...NO_LIMITS, maxWeight: 1, minWeight: 0 },
    );
    const [good, flat] = a.lines;
    expect(good?.sharpe).toBeCloseTo((0.001 / (0.01 * Math.sqrt(400 / 399))) * Math.sqrt(365), 9);
    expect((good?.weight as number) / (flat?.weight as number)).toBeCloseTo(
      Math.exp(0.5 * (good?.sharpe as number)),
      9,
    );
  });

  it("shrinks a short history toward equal weight: 10 days of a good Sharpe move the weights less than 1000", () => {
    const spread = (n: number) => {
      const [good, flat] = allocate(
        [
          { id: "good", returns: drifting(0.001, 0.01, n) },
          { id: "flat", returns: drifting(0, 0.01, n) },
        ],
        { dailyRiskBudget: 1, maxWeight: 1, minWeight: 0 },
      ).lines;
      return (good?.weight as number) - (flat?.weight as number);
    };
    expect(spread(10)).toBeGreaterThan(0);
    expect(spread(10)).toBeLessThan(spread(1000) / 4);
    const short = allocate(
      [
        { id: "a", returns: alternating(0.01, 10) },
        { id: "b", returns: alternating(0.02, 10) },
      ],
      {
        dailyRiskBudget: 1,
        maxWeight: 1,
        minWeight: 0,
      },
    );
    expect(short.shrinkTowardEqual).toBeCloseTo(30 / 40, 12);
  });

  it("scales to a 2 % daily risk budget and keeps the rest in cash", () => {
    // Three strategies of σ 5 %/day at equal weights: Σ w·σ = 5 % × √(n/(n−1)) > 2 % → deploy 2 / 5.0something.
    const a = allocate(
      ["a", "b", "c"].map((id) => ({ id, returns: alternating(0.05) })),
      { shrinkage: 0 },
    );
    const sigma = 0.05 * Math.sqrt(100 / 99);
    expect(a.deployed).toBeCloseTo(0.02 / sigma, 12);
    expect(a.dailyRisk).toBeCloseTo(0.02, 12);
    expect(a.lines.map((l) => l.capital)).toEqual(Array(3).fill(expect.closeTo(0.02 / sigma / 3, 12)));
  });

  it("leaves 20 % in cash with two strategies (2 × 40 %) and refuses 21 (21 × 5 % > 100 %)", () => {
    const two = allocate(
      [
        { id: "a", returns: alternating(0.001) },
        { id: "b", returns: alternating(0.001) },
      ],
      NO_LIMITS,
    );
    expect(two.deployed).toBeCloseTo(0.8, 12);
    const many = Array.from({ length: 21 }, (_, i) => ({ id: `s${i}`, returns: alternating(0.01) }));
    expect(() => allocate(many)).toThrow("allocator: 21 strategies cannot each get the minimum 5 % (at most 20)");
  });

  it("rebalances only when a weight drifted past the threshold", () => {
    expect(checkRebalance({ a: 0.5, b: 0.5 }, { a: 0.46, b: 0.54 }, 0.05)).toEqual({
      rebalance: false,
      drift: expect.closeTo(0.04, 12),
      reason: "largest drift 4.0 % is within 5.0 %",
    });
    expect(checkRebalance({ a: 0.5, b: 0.5 }, { a: 0.42, b: 0.58 }).reason).toBe(
      "a drifted 8.0 % from its target, more than 5.0 %",
    );
  });
});

describe("PerformanceBook", () => {
  const DAY = 86_400_000;
  const trade = (source: string, netPnl: number, exitTime: number) => ({ source, netPnl, exitTime }) as ClosedTrade;

  it("turns closed trades into daily returns per strategy, splitting an ensemble trade between its sources", () => {
    const book = new PerformanceBook();
    book.onTradeClosed(trade("a", 100, 0.5 * DAY));
    book.onTradeClosed(trade("a", -50, 0.9 * DAY));
    book.onTradeClosed(trade("a+b", 40, 2.1 * DAY));
    const r = book.dailyReturns(0, 2 * DAY, () => 1000);
    expect(r).toEqual([
      { id: "a", returns: [0.05, 0, 0.02] },
      { id: "b", returns: [0, 0, 0.02] },
    ]);
  });
});
