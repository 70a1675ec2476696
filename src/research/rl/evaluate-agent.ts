/**
 * Honest figures of a policy over one window: it is played through the environment (the engine, with fees,
 * slippage, funding and the shield), and its equity from the first decision on is measured with the backtester's
 * own metrics. Baselines are measured the same way on the same window.
 */
import { computeMetrics } from "../../backtest/metrics/index.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import type { CandleSeries } from "../../domain/candles.js";
import type { ClosedTrade } from "../../domain/trade.js";
import type { FundingSource } from "../../execution/simulated-broker.js";
import type { SlippageModel } from "../../execution/slippage.js";
import type { RiskShield } from "../../risk/shield.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { TradingEnv } from "./trading-env.js";

export interface PolicyFigures {
  /** Fraction: 0.12 = +12 %. */
  readonly totalReturn: number;
  /** Annualised from per-bar returns; null below 30 bars. */
  readonly sharpe: number | null;
  /** Fraction, positive: 0.3 = 30 % below the peak. */
  readonly maxDrawdown: number;
  readonly trades: number;
  readonly liquidations: number;
  readonly fundingPaid: number;
  readonly feesPaid: number;
}

export interface PolicyRun {
  readonly figures: PolicyFigures;
  readonly trades: readonly ClosedTrade[];
  /** Leverage of each trade (aligned with `trades`). */
  readonly tradeLeverage: readonly number[];
  /** How often each action was chosen. */
  readonly actionCounts: readonly number[];
  /** Opening orders the leverage guard saw, and how many it cut (scaled down or denied). */
  readonly shield: { readonly proposals: number; readonly cut: number; readonly denied: number };
}

/** Metrics of the equity from `start - 1` (the account before the first decision) to the end. */
export function figuresOf(
  candles: CandleSeries,
  equity: readonly number[],
  start: number,
  trades: readonly ClosedTrade[],
  extra: { fundingPaid: number; feesPaid: number },
  cash: number,
): PolicyFigures {
  const from = Math.max(0, start - 1);
  const time = candles.time.subarray(from, equity.length);
  const curve = Float64Array.from(equity.slice(from));
  const first = curve[0] ?? cash;
  const metrics = computeMetrics({ equity: { time, equity: curve }, trades, initialCash: first });
  return {
    totalReturn: (curve[curve.length - 1] ?? first) / first - 1,
    sharpe: metrics.sharpe,
    maxDrawdown: Math.abs(metrics.maxDrawdown ?? 0),
    trades: trades.length,
    liquidations: trades.filter((t) => t.exitReason.startsWith("liquidation")).length,
    fundingPaid: extra.fundingPaid,
    feesPaid: extra.feesPaid,
  };
}

/** Plays `policy` (observation → action) through one full episode of `env`. */
export function runPolicy(env: TradingEnv, policy: (observation: Float32Array) => number, cash: number): PolicyRun {
  let observation = env.reset();
  const counts = new Array<number>(env.actionCount).fill(0);
  for (;;) {
    const action = policy(observation);
    counts[action] = (counts[action] ?? 0) + 1;
    const step = env.step(action);
    observation = step.observation;
    if (step.done) break;
  }
  const portfolio = env.portfolio;
  let proposals = 0;
  let cut = 0;
  let denied = 0;
  for (const decision of env.engine.decisions) {
    for (const check of decision.risk) {
      const guard = check.verdicts.find((v) => v.layer === "volatility-leverage");
      if (guard === undefined || guard.reason.startsWith("reduce-only")) continue;
      proposals++;
      if (guard.verdict !== "allow") cut++;
      if (guard.verdict === "deny") denied++;
    }
  }
  return {
    figures: figuresOf(
      env.candles,
      env.equity,
      env.start,
      portfolio.trades,
      { fundingPaid: portfolio.fundingPaid, feesPaid: portfolio.feesPaid },
      cash,
    ),
    trades: portfolio.trades,
    tradeLeverage: env.tradeLeverage,
    actionCounts: counts,
    shield: { proposals, cut, denied },
  };
}

/** A rule strategy over the same window, with the same costs, measured from the same first decision bar. */
export function ruleBaseline(
  candles: CandleSeries,
  strategy: Strategy,
  start: number,
  costs: {
    cash: number;
    fee: number;
    slippage?: SlippageModel;
    funding?: FundingSource;
    allowShort: boolean;
    shield?: RiskShield;
  },
): PolicyFigures {
  const result = runBacktest({
    feeds: [{ series: candles, strategy, allowShort: costs.allowShort }],
    cash: costs.cash,
    fee: costs.fee,
    ...(costs.slippage ? { slippage: costs.slippage } : {}),
    ...(costs.funding ? { funding: costs.funding } : {}),
    ...(costs.shield ? { shield: costs.shield } : {}),
  });
  const startTime = candles.time[start] as number;
  const trades = result.trades.filter((t) => t.entryTime >= startTime);
  return figuresOf(
    candles,
    Array.from(result.equity.equity),
    start,
    trades,
    { fundingPaid: result.portfolio.fundingPaid, feesPaid: result.portfolio.feesPaid },
    costs.cash,
  );
}
