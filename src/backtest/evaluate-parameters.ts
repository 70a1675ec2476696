import { type CandleSeries, lowerBound, sliceSeries } from "../domain/candles.js";
import type { ClosedTrade, EquityCurve } from "../domain/trade.js";
import { createRiskRuntime } from "../engine/risk-runtime.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { compileSpec } from "../strategy/spec/compile.js";
import type { StrategySpec } from "../strategy/spec/schema.js";
import type { ResolvedSettings } from "./backtest-settings.js";
import { buyAndHoldIndex } from "./benchmark.js";
import { ignoreSignalsBefore } from "./ignore-signals-before.js";
import { computeMetrics, type Metrics } from "./metrics/index.js";
import { runBacktest } from "./run-backtest.js";

/**
 * A part of history to backtest, as bar open times (Unix ms). Bars in [warmupFrom, from) only warm indicators up:
 * signals on them are ignored and they are not measured. Bars at or after `to` are not given to the backtest at
 * all, so nothing in [warmupFrom, to) can depend on them.
 */
export interface MeasuredRange {
  readonly warmupFrom: number;
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
}

export interface Evaluation {
  readonly metrics: Metrics;
  readonly tradeCount: number;
  readonly elapsedMs: number;
  /** Equity from the first measured bar (its value is the starting cash) to the last. */
  readonly equity: EquityCurve;
  readonly inMarket: Uint8Array;
  readonly trades: readonly ClosedTrade[];
}

export interface EvaluationInput {
  readonly series: readonly CandleSeries[];
  readonly spec: StrategySpec;
  readonly params: Readonly<Record<string, number>>;
  readonly settings: ResolvedSettings;
  /** Default: every bar, all traded and measured. */
  readonly range?: MeasuredRange;
  /** Starting cash; default `settings.cash` (a walk-forward carries equity from one test window to the next). */
  readonly cash?: number;
}

/**
 * Backtests one parameter combination of a spec over (a range of) the series and computes its metrics on the
 * measured bars. The single function behind grids and walk-forward, in the main thread and in workers alike, so a
 * combination gives the same numbers wherever it runs.
 */
export function evaluateParameters(input: EvaluationInput): Evaluation {
  const started = performance.now();
  const { settings, range } = input;
  const cash = input.cash ?? settings.cash;
  const strategy = compileSpec(input.spec, input.params);
  const traded = range === undefined ? strategy : ignoreSignalsBefore(strategy, range.from);
  const sliced =
    range === undefined
      ? input.series
      : input.series.map((s) => sliceSeries(s, lowerBound(s, range.warmupFrom), lowerBound(s, range.to)));
  for (const s of sliced) {
    if (s.length === 0 && range !== undefined) {
      throw new RangeError(`${s.symbol} has no bars in [${iso(range.warmupFrom)}, ${iso(range.to)})`);
    }
  }
  const risk = settings.risk
    ? createRiskRuntime(settings.risk, { store: new MemoryStateStore(), mode: "backtest" })
    : undefined;
  const result = runBacktest({
    feeds: sliced.map((series) => ({
      series,
      strategy: traded,
      ...(settings.size !== undefined ? { size: settings.size } : {}),
      ...(settings.leverage !== undefined ? { leverage: settings.leverage } : {}),
      ...(settings.allowShort !== undefined ? { allowShort: settings.allowShort } : {}),
    })),
    cash,
    ...(settings.fee !== undefined ? { fee: settings.fee } : {}),
    slippage: settings.slippageModel,
    ...(risk ? { shield: risk.shield } : {}),
    ...(risk?.positionManager ? { positionManager: risk.positionManager } : {}),
    ...(risk?.regimeColumn ? { regimeColumn: risk.regimeColumn } : {}),
    ...(settings.maxVolumeParticipation !== undefined
      ? { maxVolumeParticipation: settings.maxVolumeParticipation }
      : {}),
  });
  const first = range === undefined ? 0 : firstAtOrAfter(result.equity.time, range.from);
  const equity = { time: result.equity.time.subarray(first), equity: result.equity.equity.subarray(first) };
  const inMarket = result.inMarket.subarray(first);
  const measured =
    range === undefined ? sliced : sliced.map((s) => sliceSeries(s, lowerBound(s, range.from), s.length));
  const metrics = computeMetrics({
    equity,
    trades: result.trades,
    initialCash: cash,
    benchmarkClose: buyAndHoldIndex(measured, equity.time),
    inMarket,
    ...(settings.periodsPerYear !== undefined ? { periodsPerYear: settings.periodsPerYear } : {}),
  });
  return {
    metrics,
    tradeCount: result.trades.length,
    elapsedMs: performance.now() - started,
    equity,
    inMarket,
    trades: result.trades,
  };
}

/** Index of the first ascending `times` entry >= `t` (binary search); `times.length` when none. */
function firstAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
