import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FeatureName } from "../../ai/features/feature-names.js";
import { loadAgent, saveAgent } from "../../ai/rl/agent-file.js";
import { argmax } from "../../ai/rl/dqn-agent.js";
import { LEVERAGE_ACTIONS } from "../../ai/rl/env-actions.js";
import { loadLeverageDqnStrategy } from "../../ai/rl/leverage-dqn-strategy.js";
import { leverageReward } from "../../ai/rl/reward.js";
import { candlesFromCloses, trendingCloses } from "../../ai/rl/testing.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import { fixedBps } from "../../execution/slippage.js";
import { createLeverageLayers, leverageGuardSchema } from "../../risk/leverage/volatility-leverage.js";
import { RiskShield, sanityLayer } from "../../risk/shield.js";
import type { Strategy } from "../../strategy/strategy.js";
import { observationColumns } from "./env-data.js";
import { runPolicy } from "./evaluate-agent.js";
import type { RewardFunction } from "./trading-env.js";
import { TradingEnv } from "./trading-env.js";
import { trainAgent } from "./train-agent.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-leverage-strategy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Market features and every account feature the strategy must read from the engine's portfolio.
const FEATURES: FeatureName[] = [
  "price_change_1h",
  "price_change_4h",
  "momentum_5",
  "rsi",
  "current_position",
  "current_leverage",
  "position_pnl",
  "position_duration",
  "unrealized_pnl",
  "margin_ratio",
  "drawdown_current",
  "consecutive_losses",
  "win_rate_recent",
];
const shield = () => new RiskShield([sanityLayer, ...createLeverageLayers(leverageGuardSchema.parse({}))]);
const candles = candlesFromCloses(trendingCloses(1600, 4));

/** The strategy without a vote at the last bar: the environment decides nothing there either. */
function exceptLast(strategy: Strategy, last: number): Strategy {
  return {
    ...strategy,
    init: (setup) => {
      const onBar = strategy.init(setup);
      return (bar) => {
        const signal = onBar(bar);
        return bar.index === last ? undefined : signal;
      };
    },
  };
}

function trainedAgentFile(): string {
  const result = trainAgent({
    kind: "leverage-dqn",
    candles,
    features: FEATURES,
    actions: LEVERAGE_ACTIONS,
    allowShort: true,
    reward: () => ((outcome) => leverageReward(outcome)) as RewardFunction,
    windows: { trainFrom: 0, validationFrom: 900, testFrom: 1200, end: 1600 },
    cash: 10_000,
    fee: 0.0005,
    slippage: fixedBps(2),
    shield,
    seed: 2,
    epochs: 1,
    patience: 1,
    trainEvery: 4,
    hidden: [16, 16],
  });
  const path = join(dir, "agent.json");
  saveAgent(path, result.file);
  return path;
}

describe("--strategy leverage-dqn:FILE", () => {
  it("a backtest of the saved agent equals the environment's evaluation of it on the same bars", () => {
    const path = trainedAgentFile();
    const loaded = loadAgent(path);
    const { columns, validFrom } = observationColumns(candles, FEATURES);
    const env = new TradingEnv({
      candles,
      features: FEATURES,
      columns,
      normalization: loaded.file.normalization,
      actions: LEVERAGE_ACTIONS,
      reward: () => 0,
      start: validFrom,
      cash: 10_000,
      fee: 0.0005,
      slippage: fixedBps(2),
      allowShort: true,
      shield,
    });
    const evaluation = runPolicy(env, (observation) => argmax(loaded.network.forward(observation)), 10_000);
    const strategy = loadLeverageDqnStrategy(`leverage-dqn:${path}`);
    const backtest = runBacktest({
      feeds: [{ series: candles, strategy: exceptLast(strategy, candles.length - 1), allowShort: true }],
      cash: 10_000,
      fee: 0.0005,
      slippage: fixedBps(2),
      shield: shield(),
    });
    expect(backtest.trades.length).toBeGreaterThan(3);
    expect(new Set(evaluation.tradeLeverage).size).toBeGreaterThan(1);
    // The same trades; only the name of the source differs (the environment's slot strategy is "rl-agent").
    const unnamed = (trades: readonly { source?: string }[]) => trades.map(({ source: _s, ...t }) => t);
    expect(unnamed(backtest.trades)).toEqual(unnamed(env.portfolio.trades));
    expect(backtest.equity.equity).toEqual(Float64Array.from(env.equity));
    expect(strategy.abstentions.get("warm-up")).toBe(validFrom);
    // Each decision records what the agent proposed and what the leverage guard let through.
    const records = backtest.decisions.flatMap((d) => d.risk).filter((r) => r.leverage !== undefined);
    expect(records.length).toBeGreaterThan(0);
    const cut = records.filter((r) => (r.leverage?.allowed ?? 0) < (r.leverage?.proposed ?? 0));
    expect(cut.length).toBe(evaluation.shield.cut);
    expect(cut.length).toBeGreaterThan(0);
  }, 60_000);

  it("a bad or mismatched agent file is a clear error", () => {
    expect(() => loadLeverageDqnStrategy("leverage-dqn:")).toThrow(/needs an agent file/);
    expect(() => loadLeverageDqnStrategy(`leverage-dqn:${join(dir, "absent.json")}`)).toThrow(/cannot read/);
    const notAgent = join(dir, "not-agent.json");
    writeFileSync(notAgent, "{}");
    expect(() => loadLeverageDqnStrategy(`leverage-dqn:${notAgent}`)).toThrow(/not an Aegis DQN agent file/);
    const path = join(dir, "agent.json");
    const loaded = loadAgent(path);
    const dqn = join(dir, "dqn.json");
    saveAgent(dqn, { ...loaded.file, kind: "dqn" });
    expect(() => loadLeverageDqnStrategy(`leverage-dqn:${dqn}`)).toThrow(/is a dqn agent: run it as dqn:/);
    const funding = join(dir, "funding.json");
    saveAgent(funding, { ...loaded.file, features: [...FEATURES.slice(0, -1), "funding_rate"], absentFeatures: [] });
    expect(() => loadLeverageDqnStrategy(`leverage-dqn:${funding}`)).toThrow(
      /trained with funding_rate: give the series/,
    );
  });
});
