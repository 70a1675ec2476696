import { describe, expect, it } from "vitest";
import { judgePromotion, ReturnTracker } from "./promotion.js";

describe("promotion rule (AlphaWEEX: ≥ 100 iterations, Sharpe > 1.2 and > 1.1 × live)", () => {
  it.each([
    [{ iterations: 99, sharpe: 3, liveSharpe: 1 }, false, /99 of 100 shadow iterations/],
    [{ iterations: 100, sharpe: 1.2, liveSharpe: 0.5 }, false, /shadow Sharpe 1.20 is not above 1.2/],
    [{ iterations: 100, sharpe: null, liveSharpe: 0.5 }, false, /shadow Sharpe n\/a/],
    [{ iterations: 150, sharpe: 2.1, liveSharpe: 2 }, false, /not above 1.1 × live Sharpe 2.00/],
    [{ iterations: 150, sharpe: 2.3, liveSharpe: 2 }, true, /2.30 > 1.2 and > 1.1 × live 2.00 after 150/],
    [{ iterations: 150, sharpe: 1.3, liveSharpe: -0.5 }, true, /> 1.1 × live -0.50/],
    [{ iterations: 150, sharpe: 1.3, liveSharpe: null }, true, /live n\/a/],
  ])("%j → ready %s", (observed, ready, reason) => {
    const verdict = judgePromotion(observed);
    expect(verdict.ready).toBe(ready);
    expect(verdict.reason).toMatch(reason);
  });

  it("takes a configured rule", () => {
    expect(
      judgePromotion({ iterations: 20, sharpe: 0.9, liveSharpe: 0.1 }, { minIterations: 10, minSharpe: 0.5 }).ready,
    ).toBe(true);
  });
});

describe("ReturnTracker", () => {
  it("gives the annualized Sharpe of the per-step returns, as a batch computation does", () => {
    const equity = [100, 101, 100.5, 102, 101.8, 103.1, 102.9, 104];
    const tracker = new ReturnTracker(8760);
    for (const e of equity) tracker.add(e);
    const returns = equity.slice(1).map((e, i) => e / (equity[i] as number) - 1);
    const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(tracker.count).toBe(7);
    expect(tracker.sharpe()).toBeCloseTo((mean / sd) * Math.sqrt(8760), 9);
  });

  it("has no Sharpe before two returns or with no variance", () => {
    const tracker = new ReturnTracker(8760);
    tracker.add(100);
    tracker.add(100);
    expect(tracker.sharpe()).toBeNull();
    tracker.add(100);
    expect(tracker.sharpe()).toBeNull();
  });
});

describe("promotion rule with a significance test against live", () => {
  const strong = { iterations: 150, sharpe: 2.3, liveSharpe: 1 };

  it("requires a p-value below alpha when one was run", () => {
    expect(judgePromotion({ ...strong, pValue: 0.01 }).reason).toMatch(/p-value 0.0100 < 0.05 against live/);
    const weak = judgePromotion({ ...strong, pValue: 0.2 });
    expect(weak.ready).toBe(false);
    expect(weak.reason).toMatch(/p-value 0.200 against live is not below alpha 0.05/);
    expect(judgePromotion({ ...strong, pValue: 0.05 }).ready).toBe(false);
  });

  it("takes a configured alpha, and with requireSignificance refuses a candidate without a p-value", () => {
    expect(judgePromotion({ ...strong, pValue: 0.08 }, { alpha: 0.1 }).ready).toBe(true);
    const missing = judgePromotion(strong, { requireSignificance: true });
    expect(missing.ready).toBe(false);
    expect(missing.reason).toMatch(/no significance test against the live strategy/);
    expect(judgePromotion({ ...strong, pValue: null }, { requireSignificance: true }).ready).toBe(false);
  });
});
