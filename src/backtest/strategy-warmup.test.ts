import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/index.js";
import { loadStrategy } from "../strategy/registry.js";
import { defaultWarmupBars, strategyLookback } from "./strategy-warmup.js";

const { series } = simulateMarket({ seed: 3, bars: 500 });

describe("strategyLookback", () => {
  it("is the first bar where every column the strategy reads is defined", () => {
    // TA-Lib convention: an SMA of period p has its first value at index p - 1.
    expect(strategyLookback(loadStrategy("sma-cross", { fast: 10, slow: 30 }), series)).toBe(29);
    expect(strategyLookback(loadStrategy("sma-cross", { fast: 50, slow: 20 }), series)).toBe(49);
  });

  it("counts the ATR a stop in ATR multiples needs", () => {
    const plain = strategyLookback(loadStrategy("sma-cross", { fast: 2, slow: 3 }), series);
    const withAtr = strategyLookback(loadStrategy("sma-cross", { fast: 2, slow: 3, stopLossAtr: 2 }), series);
    expect(plain).toBe(2);
    expect(withAtr).toBeGreaterThanOrEqual(14);
  });

  it("is the series length when a period is longer than the data", () => {
    expect(strategyLookback(loadStrategy("sma-cross", { fast: 10, slow: 900 }), series)).toBe(500);
  });

  it("gives a default warm-up of three lookbacks", () => {
    expect(defaultWarmupBars(29)).toBe(87);
  });
});
