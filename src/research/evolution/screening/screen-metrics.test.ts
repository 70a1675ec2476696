import { describe, expect, it } from "vitest";
import { createRandom } from "../../../domain/random.js";
import { annualizedSharpe, maxDrawdownOf, screenMetrics } from "./screen-metrics.js";

function randomEquity(seed: string, n: number): Float64Array {
  const random = createRandom(seed);
  const equity = new Float64Array(n);
  let e = 10_000;
  for (let i = 0; i < n; i++) equity[i] = e *= 1 + random.normal(0, 0.02);
  return equity;
}

/** The per-bar definition: the largest (running peak − equity) / running peak. */
function naiveDrawdown(equity: Float64Array, cash: number): number {
  let peak = cash;
  let worst = 0;
  for (const e of equity) {
    if (e > peak) peak = e;
    else worst = Math.max(worst, (peak - e) / peak);
  }
  return worst;
}

describe("screenMetrics", () => {
  it("gives the per-bar maximum drawdown exactly while dividing once per peak", () => {
    for (const seed of ["a", "b", "c", "d"]) {
      const equity = randomEquity(seed, 2000);
      expect(maxDrawdownOf(equity, 10_000)).toBe(naiveDrawdown(equity, 10_000));
    }
    expect(maxDrawdownOf(Float64Array.of(9_000, 11_000, 5_500, 12_000), 10_000)).toBe(0.5);
  });

  it("gives the same Sharpe as annualizedSharpe of its returns, whether or not the returns are kept", () => {
    const equity = randomEquity("sharpe", 3000);
    const kept = screenMetrics(equity, { count: 4, wins: 3 }, 10_000, 8760, true);
    const notKept = screenMetrics(equity, { count: 4, wins: 3 }, 10_000, 8760, false);
    expect(kept.sharpe).toBe(annualizedSharpe(kept.returns, 8760));
    expect(notKept.sharpe).toBe(kept.sharpe);
    expect(notKept.returns.length).toBe(0);
    expect(notKept.winRate).toBe(0.75);
  });
});
