import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DQN_FEATURES } from "../../ai/features/feature-names.js";
import { actionSignal, type EnvAction, TRADE_ACTIONS } from "../../ai/rl/env-actions.js";
import { fitNormalization } from "../../ai/rl/observation.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import { loadCsv } from "../../data/csv/load-csv.js";
import { type FundingRateSeries, loadFundingRates } from "../../data/funding/funding-rates.js";
import { type CandleSeries, lowerBound, sliceSeries } from "../../domain/candles.js";
import { createRandom } from "../../domain/random.js";
import { fixedBps } from "../../execution/slippage.js";
import { sharedDataDir } from "../../indicators/testing/reference-data.js";
import { createLeverageLayers, leverageGuardSchema } from "../../risk/leverage/volatility-leverage.js";
import { RiskShield, sanityLayer } from "../../risk/shield.js";
import type { Strategy } from "../../strategy/strategy.js";
import { fundingSourceOf, observationColumns } from "./env-data.js";
import { TradingEnv } from "./trading-env.js";

const spotFile = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
const perpFile = `${sharedDataDir}crypto/binance_usdm_BTCUSDT_perp_1h.csv.gz`;
const fundingFile = `${sharedDataDir}crypto/binance_usdm_BTCUSDT_funding_8h.csv.gz`;

/** A backtest strategy that replays, bar by bar, the actions an agent took in the environment. */
function replay(actions: Map<number, EnvAction>, allowShort: boolean): Strategy {
  return {
    name: "rl-agent",
    parameters: {},
    allowShort,
    init: () => (bar) => {
      const action = actions.get(bar.index);
      return action === undefined ? undefined : actionSignal(action);
    },
  };
}

function window(series: CandleSeries, from: string, to: string): CandleSeries {
  return sliceSeries(series, lowerBound(series, Date.parse(from)), lowerBound(series, Date.parse(to)));
}

/** Runs a seeded random policy (sticky: it changes its mind on 5 % of bars) and returns its actions by bar. */
function playRandom(env: TradingEnv, actions: readonly EnvAction[], seed: number) {
  const random = createRandom(seed);
  const taken = new Map<number, EnvAction>();
  env.reset(seed);
  let action = 0;
  let rewards = 0;
  for (;;) {
    if (random.chance(0.05)) action = random.int(0, actions.length - 1);
    taken.set(env.index, actions[action] as EnvAction);
    const step = env.step(action);
    rewards += step.reward;
    if (step.done) break;
  }
  return { taken, rewards };
}

describe.skipIf(!existsSync(spotFile))(
  `the environment is the backtest (real BTC/USDT 1h; skipped without ${spotFile})`,
  () => {
    let candles: CandleSeries;
    beforeAll(async () => {
      candles = window((await loadCsv(spotFile)).series, "2024-01-01", "2024-05-01");
    });

    it("gives a policy the same equity at every bar and the same trades as a backtest of its actions", () => {
      const { columns, validFrom } = observationColumns(candles, DQN_FEATURES);
      const options = {
        candles,
        features: DQN_FEATURES,
        columns,
        normalization: fitNormalization(DQN_FEATURES, columns, validFrom, candles.length),
        actions: TRADE_ACTIONS,
        reward: (o: { equityAfter: number; equityBefore: number }) => o.equityAfter - o.equityBefore,
        start: validFrom,
        cash: 10_000,
        fee: 0.001,
        slippage: fixedBps(5),
      };
      const env = new TradingEnv(options);
      const { taken, rewards } = playRandom(env, TRADE_ACTIONS, 7);
      const backtest = runBacktest({
        feeds: [{ series: candles, strategy: replay(taken, false) }],
        cash: 10_000,
        fee: 0.001,
        slippage: fixedBps(5),
      });
      expect(backtest.trades.length).toBeGreaterThan(10);
      expect(env.portfolio.trades).toEqual(backtest.trades);
      expect(Float64Array.from(env.equity)).toEqual(backtest.equity.equity);
      // The rewards (equity changes here) add up to the backtest's P&L from the first decision on.
      const first = env.equity[validFrom - 1] ?? 10_000;
      expect(rewards).toBeCloseTo((backtest.equity.equity.at(-1) as number) - first, 6);
    });
  },
);

describe.skipIf(!existsSync(perpFile) || !existsSync(fundingFile))(
  `the environment is the backtest on the perpetual, with funding, leverage and the leverage guard (skipped without ${perpFile})`,
  () => {
    let candles: CandleSeries;
    let funding: FundingRateSeries;
    beforeAll(async () => {
      candles = window((await loadCsv(perpFile)).series, "2024-06-01", "2024-09-01");
      funding = await loadFundingRates(fundingFile);
    });

    it("matches at 3× with shorts: equity at every bar, trades and funding paid", () => {
      const actions: EnvAction[] = [
        { label: "FLAT", signal: "close", leverage: 3 },
        { label: "LONG_3X", signal: "buy", leverage: 3 },
        { label: "SHORT_3X", signal: "sell", leverage: 3 },
      ];
      const shield = () =>
        new RiskShield([sanityLayer, ...createLeverageLayers(leverageGuardSchema.parse({ targetVolatility: 20 }))]);
      const { columns, validFrom } = observationColumns(candles, DQN_FEATURES);
      const env = new TradingEnv({
        candles,
        features: DQN_FEATURES,
        columns,
        normalization: fitNormalization(DQN_FEATURES, columns, validFrom, candles.length),
        actions,
        reward: () => 0,
        start: validFrom,
        cash: 10_000,
        fee: 0.0005,
        slippage: fixedBps(2),
        funding: fundingSourceOf(funding),
        allowShort: true,
        shield,
      });
      const { taken } = playRandom(env, actions, 3);
      const backtest = runBacktest({
        feeds: [{ series: candles, strategy: replay(taken, true), leverage: 3, allowShort: true }],
        cash: 10_000,
        fee: 0.0005,
        slippage: fixedBps(2),
        funding: fundingSourceOf(funding),
        shield: shield(),
      });
      expect(backtest.trades.length).toBeGreaterThan(5);
      expect(backtest.portfolio.fundingPaid).not.toBe(0);
      expect(env.portfolio.fundingPaid).toBe(backtest.portfolio.fundingPaid);
      expect(env.portfolio.trades).toEqual(backtest.trades);
      expect(Float64Array.from(env.equity)).toEqual(backtest.equity.equity);
    });
  },
);
