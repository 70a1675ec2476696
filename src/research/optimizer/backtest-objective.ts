import type { ResolvedSettings } from "../../backtest/backtest-settings.js";
import { type Evaluation, evaluateParameters } from "../../backtest/evaluate-parameters.js";
import type { MetricKey } from "../../backtest/metrics/index.js";
import { defaultWarmupBars, strategyLookback } from "../../backtest/strategy-warmup.js";
import type { CandleSeries } from "../../domain/candles.js";
import { regimeColumn } from "../../strategy/regime/detect-regimes.js";
import { REGIME_CODE } from "../../strategy/regime/regime-config.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import type { FoldObjective } from "./optimize.js";

export type RegimeName = keyof typeof REGIME_CODE;

export interface BacktestObjectiveInput {
  readonly series: CandleSeries;
  readonly spec: StrategySpec;
  readonly settings: ResolvedSettings;
  /** Bar index range searched: [from, to). Nothing at or after `to` is given to any backtest. */
  readonly from: number;
  readonly to: number;
  readonly folds: number;
  /** Metric to maximize (Sharpe by default); a metric that is n/a in a fold makes that fold null. */
  readonly metric?: MetricKey;
  /** A fold with fewer trades has no value (a lucky single trade is not evidence). Default 3. */
  readonly minTrades?: number;
  /** Only score the bars of this market regime (Sharpe of the equity returns while the regime holds). */
  readonly regime?: RegimeName;
  /** Fixed parameters of the spec that are not searched. */
  readonly fixed?: Readonly<Record<string, number>>;
}

/**
 * The optimizer's objective on history: the searched range is cut into `folds` consecutive windows, each
 * backtested on its own (with warm-up bars before it that only warm indicators up), and scored by `metric`, or
 * by the regime-restricted Sharpe. The caller keeps a later period out of [from, to) to judge the winner on.
 */
export function backtestObjective(input: BacktestObjectiveInput): FoldObjective {
  const { series, from, to, folds } = input;
  if (!(folds >= 1 && Number.isInteger(folds))) throw new RangeError(`folds must be a whole number >= 1, got ${folds}`);
  if (!(from >= 0 && to <= series.length && to - from >= folds * 50)) {
    throw new RangeError(`the searched range has ${to - from} bars; it needs at least 50 per fold (${folds} folds)`);
  }
  const regimes = input.regime === undefined ? undefined : regimeColumn(series.high, series.low, series.close);
  const edges = Array.from({ length: folds + 1 }, (_, k) => from + Math.round(((to - from) * k) / folds));
  const metric = input.metric ?? "sharpe";
  const minTrades = input.minTrades ?? 3;
  return {
    folds,
    evaluate(params, fold) {
      const all = { ...input.fixed, ...params };
      const start = edges[fold] as number;
      const end = edges[fold + 1] as number;
      const warmup = Math.min(start, defaultWarmupBars(strategyLookback(compileSpec(input.spec, all), series)));
      const evaluation = evaluateParameters({
        series: [series],
        spec: input.spec,
        params: all,
        settings: input.settings,
        range: {
          warmupFrom: series.time[start - warmup] as number,
          from: series.time[start] as number,
          to: end < series.length ? (series.time[end] as number) : Number.POSITIVE_INFINITY,
        },
      });
      if (evaluation.tradeCount < minTrades) return null;
      if (regimes && input.regime) return regimeSharpe(evaluation, series, regimes, REGIME_CODE[input.regime]);
      const value = evaluation.metrics[metric];
      return typeof value === "number" && Number.isFinite(value) ? value : null;
    },
  };
}

/**
 * Annualized Sharpe of the per-bar equity returns over the bars whose preceding bar was in `code` (the regime known
 * while the position that earned the return was held). Null with fewer than 30 such bars.
 */
export function regimeSharpe(
  evaluation: Pick<Evaluation, "equity">,
  series: CandleSeries,
  regimes: Float64Array,
  code: number,
): number | null {
  const { time, equity } = evaluation.equity;
  const returns: number[] = [];
  let bar = 0;
  for (let i = 1; i < time.length; i++) {
    while (bar < series.length && (series.time[bar] as number) < (time[i - 1] as number)) bar++;
    if (regimes[bar] !== code) continue;
    returns.push((equity[i] as number) / (equity[i - 1] as number) - 1);
  }
  if (returns.length < 30) return null;
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  if (!(variance > 0)) return null;
  const spacing = ((series.time[series.length - 1] as number) - (series.time[0] as number)) / (series.length - 1);
  const periodsPerYear = (365.25 * 24 * 3600 * 1000) / spacing;
  return (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}
