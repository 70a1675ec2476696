import { describe, expect, it } from "vitest";
import { LEVERAGE_ACTIONS } from "../../ai/rl/env-actions.js";
import { fitNormalization } from "../../ai/rl/observation.js";
import { leverageReward } from "../../ai/rl/reward.js";
import { candlesFromCloses } from "../../ai/rl/testing.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { leverageStats } from "./leverage-stats.js";
import { type StepResult, TradingEnv } from "./trading-env.js";

const LONG_10X = LEVERAGE_ACTIONS.findIndex((a) => a.label === "LONG_10X");
const LONG_1X = LEVERAGE_ACTIONS.findIndex((a) => a.label === "LONG_1X");

/** Flat at 100, then one bar whose low is 85: through a 10× long's liquidation price (100 × (1 − 0.1 + 0.005)). */
function crashEnv(crashLow: number): TradingEnv {
  const closes = [...new Array<number>(30).fill(100), 95, 96, 96];
  const candles = candlesFromCloses(closes);
  (candles.low as Float64Array)[30] = crashLow;
  return new TradingEnv({
    candles,
    features: ["current_position", "current_leverage"],
    columns: [undefined, undefined],
    normalization: fitNormalization(["current_position", "current_leverage"], [undefined, undefined], 0, 1),
    actions: LEVERAGE_ACTIONS,
    reward: leverageReward,
    start: 25,
    cash: 10_000,
    fee: 0,
    allowShort: true,
  });
}

/** Opens with `first` at bar 25, then asks for the same side (a no-op) until the end; the step of bar 30. */
function play(env: TradingEnv, first: number): { crash: StepResult; steps: StepResult[] } {
  env.reset();
  const steps: StepResult[] = [env.step(first)];
  while (!(steps.at(-1) as StepResult).done) steps.push(env.step(first));
  return { crash: steps.find((s) => s.info.index === 30) as StepResult, steps };
}

describe("the leverage environment and its reward", () => {
  it("liquidates a 10× long when a bar's low crosses the liquidation price, and the reward carries the penalty", () => {
    const { crash } = play(crashEnv(85), LONG_10X);
    expect(crash.info.outcome.liquidated).toBe(true);
    expect(crash.info.outcome.side).toBe(0);
    // The −100 penalty comes on top of what the step's loss (the margin) already costs.
    const withoutPenalty = leverageReward({ ...crash.info.outcome, liquidated: false });
    expect(crash.reward).toBeCloseTo(withoutPenalty - 100, 10);
    expect(crash.reward).toBeLessThan(-100);
  });

  it("does not liquidate when the low stays above the liquidation price, nor a 1× long on the same crash", () => {
    expect(play(crashEnv(91), LONG_10X).crash.info.outcome.liquidated).toBe(false);
    const oneX = play(crashEnv(85), LONG_1X);
    expect(oneX.crash.info.outcome.liquidated).toBe(false);
    expect(oneX.crash.reward).toBeGreaterThan(-100);
  });

  it("records the leverage of each trade, for the per-leverage statistics", () => {
    const env = crashEnv(85);
    play(env, LONG_10X);
    expect(env.portfolio.trades[0]?.exitReason).toMatch(/^liquidation/);
    expect(env.tradeLeverage[0]).toBe(10);
  });
});

describe("per-leverage statistics and Kelly", () => {
  const trade = (netPnl: number, returnPct: number): ClosedTrade =>
    ({ netPnl, returnPct, exitReason: netPnl < -50 ? "liquidation" : "signal" }) as ClosedTrade;

  it("groups trades by leverage with win rate, mean return and a Kelly estimate once there are 10 trades", () => {
    const trades = [
      ...Array.from({ length: 12 }, (_, i) => trade(i % 3 === 0 ? -10 : 20, i % 3 === 0 ? -0.01 : 0.02)),
      trade(-100, -1),
    ];
    const leverage = [...new Array<number>(12).fill(1), 10];
    const { levels, all } = leverageStats(trades, leverage);
    expect(levels.map((l) => l.leverage)).toEqual([1, 10]);
    const one = levels[0];
    expect(one?.trades).toBe(12);
    expect(one?.winRate).toBeCloseTo(8 / 12, 10);
    expect(one?.averageReturn).toBeCloseTo((8 * 0.02 - 4 * 0.01) / 12, 10);
    // p = 2/3, b = 0.02 / 0.01 = 2: f* = p − q / b = 2/3 − 1/6 = 0.5.
    expect(one?.kelly).toEqual({ full: expect.closeTo(0.5, 10), applied: expect.closeTo(0.25, 10) });
    expect(levels[1]?.liquidations).toBe(1);
    expect(levels[1]?.kelly).toHaveProperty("unavailable");
    expect(all.trades).toBe(13);
  });
});
