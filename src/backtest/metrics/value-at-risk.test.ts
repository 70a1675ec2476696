import { describe, expect, it } from "vitest";
import { dailyEquity, simpleReturns } from "./daily-equity.js";
import { valueAtRisk } from "./value-at-risk.js";

/** -5.0 %, -4.9 %, …, +4.9 %: 100 evenly spaced daily returns whose tails are easy to work out by hand. */
const LADDER = Array.from({ length: 100 }, (_, i) => (i - 50) / 1000);

describe("valueAtRisk", () => {
  it("takes the historical VaR and CVaR from the k = ceil(n (1 - c)) worst returns", () => {
    const shuffled = [...LADDER].reverse();
    const { levels } = valueAtRisk(shuffled);
    // 95 %: the 5 worst are -5.0 … -4.6 %: VaR = 4.6 %, CVaR = mean(5.0, 4.9, 4.8, 4.7, 4.6) = 4.8 %.
    expect(levels[0]?.historicalVar).toBeCloseTo(0.046, 12);
    expect(levels[0]?.historicalCvar).toBeCloseTo(0.048, 12);
    // 99 %: only the worst: 5 %.
    expect(levels[1]?.historicalVar).toBeCloseTo(0.05, 12);
    expect(levels[1]?.historicalCvar).toBeCloseTo(0.05, 12);
  });

  it("fits a normal for the parametric figures: VaR = z σ - μ, CVaR = σ φ(z) / (1 - c) - μ", () => {
    // μ = -0.0005; σ² = (100 × 101 / 12) / 1000² → σ = sqrt(841.667) / 1000 = 0.0290115.
    // 95 %: 1.64485 × 0.0290115 + 0.0005 = 0.0482197; CVaR: 0.0290115 × 0.103136 / 0.05 + 0.0005 = 0.0603424.
    // 99 %: 2.32635 × 0.0290115 + 0.0005 = 0.0679908; CVaR: 0.0290115 × 0.0266521 / 0.01 + 0.0005 = 0.0778218.
    const { levels } = valueAtRisk(LADDER);
    expect(levels[0]?.parametricVar).toBeCloseTo(0.0482197, 6);
    expect(levels[0]?.parametricCvar).toBeCloseTo(0.0603424, 6);
    expect(levels[1]?.parametricVar).toBeCloseTo(0.0679908, 6);
    expect(levels[1]?.parametricCvar).toBeCloseTo(0.0778218, 6);
  });

  it("gives n/a with a note when the tail holds less than one return, or the sample is tiny", () => {
    const fifty = valueAtRisk(LADDER.slice(0, 50));
    expect(fifty.levels[0]?.historicalVar).not.toBeNull();
    expect(fifty.levels[1]?.historicalVar).toBeNull();
    expect(fifty.levels[1]?.parametricVar).not.toBeNull();
    expect(fifty.notes.join("\n")).toMatch(/historical VaR\/CVaR 99 %: n\/a, 50 returns/);
    const few = valueAtRisk([0.01, -0.02]);
    expect(few.levels.every((l) => l.parametricVar === null && l.historicalVar === null)).toBe(true);
    expect(few.notes[0]).toMatch(/only 2 returns/);
  });

  it("refuses non-finite returns and unsupported confidence levels", () => {
    expect(() => valueAtRisk([0.01, Number.NaN])).toThrow(/return\[1\] is NaN/);
    expect(() => valueAtRisk(LADDER, [0.9])).toThrow(/confidence 0.9 unsupported/);
  });
});

describe("dailyEquity", () => {
  it("keeps the last sample of each UTC day", () => {
    const h = 3_600_000;
    const t0 = Date.UTC(2024, 0, 1);
    const time = Float64Array.from([t0, t0 + 23 * h, t0 + 24 * h, t0 + 30 * h, t0 + 72 * h]);
    const daily = dailyEquity({ time, equity: Float64Array.from([100, 110, 120, 90, 99]) });
    expect([...daily.time]).toEqual([t0 + 23 * h, t0 + 30 * h, t0 + 72 * h]);
    expect([...daily.equity]).toEqual([110, 90, 99]);
    expect([...simpleReturns(daily.equity)].map((r) => Number(r.toFixed(6)))).toEqual([-0.181818, 0.1]);
  });
});
