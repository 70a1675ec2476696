import { describe, expect, it } from "vitest";
import { type BacktestFeed, runBacktest } from "../../backtest/run-backtest.js";
import { createRandom } from "../../domain/random.js";
import { bars } from "../../execution/testing/bars.js";
import { RiskShield, sanityLayer } from "../shield.js";
import { maxCorrelatedExposure } from "./correlation.js";
import { BUY, scripted } from "./testing/scripted.js";

/** 40 hourly closes of a random walk (log returns σ 1 %), seeded, as flat-range bars. */
function walk(seed: number): number[] {
  const random = createRandom(seed);
  const closes = [100];
  for (let i = 1; i < 40; i++) closes.push((closes[i - 1] as number) * Math.exp(random.normal(0, 0.01)));
  return closes;
}

const rows = (closes: readonly number[]) =>
  closes.map((close, i) => {
    const open = closes[i - 1] ?? close;
    return [open, Math.max(open, close), Math.min(open, close), close] as [number, number, number, number];
  });

/** A and B both buy 10 % of equity at bar 30, through the correlation limit (20 bars, 0.8, 15 %) alone. */
function run(a: readonly number[], b: readonly number[]) {
  const feeds: BacktestFeed[] = [
    ["A/USDT", a],
    ["B/USDT", b],
  ].map(([symbol, closes]) => ({
    series: bars(rows(closes as number[]), symbol as string),
    strategy: scripted({ 30: BUY }),
    size: { type: "percent-equity", value: 10 },
  }));
  const layer = maxCorrelatedExposure({ threshold: 0.8, windowBars: 20, maxPct: 15 });
  const result = runBacktest({ feeds, cash: 10_000, fee: 0, shield: new RiskShield([sanityLayer, layer]) });
  const verdictB = result.decisions
    .find((d) => d.symbol === "B/USDT")
    ?.risk[0]?.verdicts.find((v) => v.layer === "max-correlated-exposure");
  const notional = (symbol: string) =>
    result.trades.filter((t) => t.symbol === symbol).reduce((sum, t) => sum + t.quantity * t.entryPrice, 0);
  return { verdictB, a: notional("A/USDT"), b: notional("B/USDT") };
}

describe("correlation limit in the engine", () => {
  it("cuts the second of two entries whose returns move together (B = A + 0.1 % noise) to 15 % together", () => {
    const a = walk(7);
    const noise = createRandom(8);
    const b = a.map((close) => close * 3 * Math.exp(noise.normal(0, 0.001)));
    const r = run(a, b);
    expect(r.verdictB?.verdict).toBe("scale");
    expect(r.verdictB?.reason).toMatch(/^exposure correlated with B\/USDT \(A\/USDT ρ 0\.9\d\)/);
    // A took its 10 % (about 1 000); B only what was left of 15 % of equity.
    expect(r.a).toBeGreaterThan(990);
    expect(r.a + r.b).toBeLessThan(1_510);
    expect(r.b).toBeLessThan(520);
  });

  it("lets both full entries through when the two walks are independent", () => {
    const r = run(walk(7), walk(9));
    expect(r.verdictB).toMatchObject({
      verdict: "allow",
      reason: "no open position correlated at 0.8 or more over 20 bars",
    });
    expect(r.b).toBeGreaterThan(990);
  });
});
