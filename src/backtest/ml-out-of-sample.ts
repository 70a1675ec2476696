/**
 * The honest evaluation of the ML ensemble: walk-forward out-of-sample probabilities → the same engine, fees and
 * sizing as any backtest, over the out-of-sample period only, beside buy-and-hold, the plain technical strategy
 * (built-in `atl-technical`) and the permutation baseline (the same pipeline trained on shuffled labels).
 * Nothing here is tuned on the test period: thresholds and parameters are the defaults, fixed before the run.
 */

import type { ClassificationMetrics } from "../ai/ml/classification-metrics.js";
import { voteFromProbability } from "../ai/ml/ml-strategy.js";
import { type TrainMlOptions, trainWalkForward } from "../ai/ml/train-walk-forward.js";
import { type CandleSeries, lowerBound, sliceSeries } from "../domain/candles.js";
import { loadStrategy } from "../strategy/registry.js";
import type { OnBar, Strategy } from "../strategy/strategy.js";
import { ignoreSignalsBefore } from "./ignore-signals-before.js";
import { computeMetrics } from "./metrics/metrics.js";
import { runBacktest } from "./run-backtest.js";

export interface StrategyOutcome {
  readonly name: string;
  readonly totalReturn: number | null;
  readonly cagr: number | null;
  readonly maxDrawdown: number | null;
  readonly sharpe: number | null;
  readonly trades: number | null;
  readonly exposure: number | null;
  readonly feesPaid: number | null;
}

export interface OutOfSampleEvaluation {
  readonly symbol: string;
  readonly from: string;
  readonly to: string;
  readonly bars: number;
  readonly folds: number;
  readonly model: ClassificationMetrics;
  readonly permutations: readonly ClassificationMetrics[];
  readonly strategies: readonly StrategyOutcome[];
  readonly topFeatures: readonly { feature: string; gain: number }[];
}

export interface EvaluateOptions extends Omit<TrainMlOptions, "shuffleLabelsSeed" | "outDir" | "trainFinal"> {
  readonly fee: number;
  /** Seeds of the permutation baselines (one full walk-forward run each). */
  readonly permutationSeeds: readonly number[];
  readonly buyAbove?: number;
  readonly sellBelow?: number;
  /** Bars before the out-of-sample start given to the technical strategy to warm its indicators. */
  readonly warmupBars?: number;
  readonly onStage?: (stage: string) => void;
}

/** A strategy that votes from stored out-of-sample probabilities, with the ML strategy's rule. */
export function probabilityReplay(
  name: string,
  time: Float64Array,
  probability: Float64Array,
  buyAbove: number,
  sellBelow: number,
): Strategy {
  const index = new Map<number, number>();
  for (let i = 0; i < time.length; i++) index.set(time[i] as number, i);
  return {
    name,
    parameters: { buyAbove, sellBelow },
    init(): OnBar {
      return (bar) => {
        const p = probability[index.get(bar.time) ?? -1] ?? Number.NaN;
        return Number.isNaN(p) ? undefined : voteFromProbability(p, buyAbove, sellBelow);
      };
    },
  };
}

const CASH = 10_000;

function outcome(name: string, series: CandleSeries, strategy: Strategy, start: number, fee: number): StrategyOutcome {
  const result = runBacktest({ feeds: [{ series, strategy }], cash: CASH, fee });
  const first = lowerBound({ ...series, time: result.equity.time, length: result.equity.time.length }, start);
  const time = result.equity.time.subarray(first);
  const equity = result.equity.equity.subarray(first);
  const startEquity = equity[0] as number;
  const m = computeMetrics({
    equity: { time, equity },
    trades: result.trades.filter((trade) => trade.entryTime >= start),
    initialCash: startEquity,
    inMarket: result.inMarket.subarray(first),
  });
  return {
    name,
    totalReturn: m.totalReturn,
    cagr: m.cagr,
    maxDrawdown: m.maxDrawdown,
    sharpe: m.sharpe,
    trades: m.tradeCount,
    exposure: m.exposure,
    feesPaid: m.feesPaid,
  };
}

/** Buy at the first out-of-sample close and sell at the last, paying the fee on both sides. */
function buyAndHold(series: CandleSeries, start: number, fee: number): StrategyOutcome {
  const first = lowerBound(series, start);
  const close = series.close.subarray(first);
  const units = (CASH * (1 - fee)) / (close[0] as number);
  const equity = Float64Array.from(close, (c, i) => units * c * (i === close.length - 1 ? 1 - fee : 1));
  const m = computeMetrics({ equity: { time: series.time.subarray(first), equity }, trades: [], initialCash: CASH });
  return {
    name: "buy-and-hold",
    totalReturn: m.totalReturn,
    cagr: m.cagr,
    maxDrawdown: m.maxDrawdown,
    sharpe: m.sharpe,
    trades: 1,
    exposure: 1,
    feesPaid: CASH * fee + (equity[equity.length - 1] as number) * (fee / (1 - fee)),
  };
}

export function evaluateOutOfSample(options: EvaluateOptions): OutOfSampleEvaluation {
  const { candles, fee } = options;
  const buyAbove = options.buyAbove ?? 0.55;
  const sellBelow = options.sellBelow ?? 0.45;
  options.onStage?.(`${candles.symbol}: walk-forward training`);
  const trained = trainWalkForward(options);
  if (trained.folds.length === 0) throw new RangeError(`${candles.symbol}: too few bars for one walk-forward fold`);
  const start = trained.folds[0]?.testFrom as number;
  const permutations = options.permutationSeeds.map((seed, k) => {
    options.onStage?.(`${candles.symbol}: permutation baseline ${k + 1}/${options.permutationSeeds.length}`);
    return trainWalkForward({ ...options, shuffleLabelsSeed: seed });
  });
  options.onStage?.(`${candles.symbol}: backtests`);
  const from = Math.max(0, lowerBound(candles, start) - (options.warmupBars ?? 1000));
  const series = sliceSeries(candles, from, candles.length);
  const technical = ignoreSignalsBefore(loadStrategy("atl-technical"), start);
  const strategies = [
    outcome(
      "ml-ensemble",
      series,
      probabilityReplay("ml", candles.time, trained.probability, buyAbove, sellBelow),
      start,
      fee,
    ),
    ...permutations.map((p, k) =>
      outcome(
        `permutation-${k + 1}`,
        series,
        probabilityReplay("perm", candles.time, p.probability, buyAbove, sellBelow),
        start,
        fee,
      ),
    ),
    outcome("atl-technical", series, technical, start, fee),
    buyAndHold(candles, start, fee),
  ];
  return {
    symbol: candles.symbol,
    from: new Date(start).toISOString(),
    to: new Date(candles.time[candles.length - 1] as number).toISOString(),
    bars: candles.length - lowerBound(candles, start),
    folds: trained.folds.length,
    model: trained.outOfSample,
    permutations: permutations.map((p) => p.outOfSample),
    strategies,
    topFeatures: trained.topFeatures,
  };
}
