import { type CandleSeries, lowerBound, sliceSeries } from "../domain/candles.js";
import type { ClosedTrade, EquityCurve } from "../domain/trade.js";
import { compileSpec } from "../strategy/spec/compile.js";
import { plainSettings } from "./backtest-settings.js";
import { buyAndHoldIndex } from "./benchmark.js";
import { evaluateParameters, type MeasuredRange } from "./evaluate-parameters.js";
import { type PreparedRun, prepareRun, type StrategyRunOptions } from "./grid.js";
import { hashConfig, hashSeries } from "./hash.js";
import { computeMetrics, type MetricKey, type Metrics } from "./metrics/index.js";
import { type Objective, pickBest, resolveObjective } from "./objective.js";
import { type OverfittingStats, overfittingStats } from "./overfitting-stats.js";
import type { ParameterGrid } from "./parameter-grid.js";
import { BacktestPool, defaultWorkerCount } from "./pool/backtest-pool.js";
import { type BacktestTask, runTask, type TaskResult } from "./pool/backtest-task.js";
import { defaultWarmupBars, strategyLookback } from "./strategy-warmup.js";
import { type WalkForwardMode, type WindowBounds, walkForwardWindows } from "./walk-forward-windows.js";

export type { OverfittingStats } from "./overfitting-stats.js";

export interface WalkForwardOptions extends StrategyRunOptions {
  /** Parameter values to choose from on each training window; absent or `{}`: the fixed `params` every window. */
  readonly grid?: ParameterGrid;
  readonly mode: WalkForwardMode;
  /** Window sizes in bars of the first series (other series are cut at the same times). */
  readonly trainBars: number;
  readonly testBars: number;
  /** Default `testBars`; must be >= testBars. */
  readonly stepBars?: number;
  /** Metric to maximize (minimize for drawdown-like metrics) on the training bars; default "sharpe". */
  readonly objective?: MetricKey;
  /** Ranks candidates whose objective is n/a (too few bars, no volatility); default "totalReturn". */
  readonly fallbackObjective?: MetricKey;
  /** Bars before each train and test window that only warm indicators up; default 3 × the strategy's lookback. */
  readonly warmupBars?: number;
  /** Worker threads for the training grids; 0 = the calling thread. Default: one per core when the grid has > 1 combination. */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface WalkForwardWindow extends WindowBounds {
  /** Bar open times (Unix ms): training bars are [trainFrom, trainTo), test bars [testFrom, testTo). */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
  /** Chosen on the training bars only (best objective over the grid). */
  readonly params: Readonly<Record<string, number>>;
  /** Metrics of `params` on the training bars: what the optimizer saw. */
  readonly inSample: Metrics;
  /** Metrics of `params` on the test bars, traded with the equity carried from the previous window. */
  readonly outOfSample: Metrics;
  readonly inSampleObjective: number | null;
  readonly outOfSampleObjective: number | null;
  readonly candidates: number;
  /** Combinations that raised an error on the training bars (the first one's message in `firstError`). */
  readonly failedCandidates: number;
  readonly firstError: string | null;
}

export interface WalkForwardResult {
  readonly strategy: string;
  readonly mode: WalkForwardMode;
  readonly trainBars: number;
  readonly testBars: number;
  readonly stepBars: number;
  readonly warmupBars: number;
  readonly objective: Objective;
  readonly windows: readonly WalkForwardWindow[];
  /** Out-of-sample equity, the test windows one after another (each starts with the previous one's final equity). */
  readonly equity: EquityCurve;
  readonly inMarket: Uint8Array;
  /** Out-of-sample trades of every window (ids restart in each window). */
  readonly trades: readonly ClosedTrade[];
  /** Metrics of the stitched out-of-sample curve: the honest number. */
  readonly outOfSample: Metrics;
  readonly overfitting: OverfittingStats;
  readonly dataHash: string;
  readonly configHash: string;
  readonly notes: readonly string[];
}

/**
 * Walk-forward analysis: for each window, choose parameters on the training bars (best objective over the grid,
 * ties to the earliest combination), then trade them on the following test bars, which the choice never saw
 * (training backtests are given no bar at or after the test window's first). Every window starts with `warmupBars`
 * of earlier bars that warm indicators up without trading. Reports in-sample and out-of-sample metrics apart, the
 * stitched out-of-sample curve and its metrics, and overfitting statistics.
 */
export async function walkForward(options: WalkForwardOptions): Promise<WalkForwardResult> {
  const grid = options.grid ?? {};
  const prepared = prepareRun(options, grid);
  const objective = resolveObjective(options.objective, options.fallbackObjective);
  const reference = prepared.series[0] as CandleSeries;
  const plan = {
    mode: options.mode,
    trainBars: options.trainBars,
    testBars: options.testBars,
    stepBars: options.stepBars ?? options.testBars,
  };
  const bounds = walkForwardWindows(reference.length, plan);
  const warmupBars = options.warmupBars ?? measureWarmup(prepared, sliceSeries(reference, 0, options.trainBars));
  if (!Number.isInteger(warmupBars) || warmupBars < 0) {
    throw new RangeError(`warmupBars must be a whole number >= 0, got ${warmupBars}`);
  }
  const timeAt = (i: number): number =>
    i < reference.length ? (reference.time[i] as number) : (reference.time[reference.length - 1] as number) + 1;
  const rangeOf = (start: number, end: number): MeasuredRange => ({
    warmupFrom: timeAt(Math.max(0, start - warmupBars)),
    from: timeAt(start),
    to: timeAt(end),
  });

  const combinations = prepared.combinations;
  const total = bounds.length * (combinations.length + 1);
  let done = 0;
  const tasks: BacktestTask[] = [];
  for (const window of bounds) {
    const train = rangeOf(window.trainStart, window.trainEnd);
    // The one rule a walk-forward lives by: training never reaches the test window's first bar.
    if (train.to > timeAt(window.testStart)) {
      throw new Error(`window ${window.index}: training bars reach into the test window`);
    }
    for (const params of combinations) tasks.push({ params, range: train });
  }
  const trainResults = await runTasks(prepared, tasks, options.workers, () => options.onProgress?.(++done, total));

  const windows: WalkForwardWindow[] = [];
  const notes: string[] = [];
  const curves: { equity: EquityCurve; inMarket: Uint8Array }[] = [];
  const trades: ClosedTrade[] = [];
  let cash = prepared.settings.cash;
  for (const window of bounds) {
    if (!(cash > 0)) {
      notes.push(`equity reached ${cash} before window ${window.index}; it and later windows were not traded`);
      break;
    }
    const results = trainResults.slice(window.index * combinations.length, (window.index + 1) * combinations.length);
    const best = pickBest(
      results.map((r) => (r.ok ? r.metrics : null)),
      objective,
    );
    const failures = results.filter((r): r is Extract<TaskResult, { ok: false }> => !r.ok);
    const firstError = failures[0]?.error ?? null;
    if (best < 0) {
      throw new Error(
        `window ${window.index}: every parameter combination failed on the training bars; first: ${firstError}`,
      );
    }
    const chosen = results[best] as Extract<TaskResult, { ok: true }>;
    const params = combinations[best] as Readonly<Record<string, number>>;
    const test = rangeOf(window.testStart, window.testEnd);
    const evaluation = evaluateParameters({
      series: prepared.series,
      spec: prepared.spec,
      params,
      settings: prepared.settings,
      range: test,
      cash,
    });
    options.onProgress?.(++done, total);
    curves.push({ equity: evaluation.equity, inMarket: evaluation.inMarket });
    trades.push(...evaluation.trades);
    cash = evaluation.equity.equity[evaluation.equity.equity.length - 1] ?? cash;
    windows.push({
      ...window,
      trainFrom: timeAt(window.trainStart),
      trainTo: timeAt(window.trainEnd),
      testFrom: test.from,
      testTo: test.to,
      params,
      inSample: chosen.metrics,
      outOfSample: evaluation.metrics,
      inSampleObjective: chosen.metrics[objective.key],
      outOfSampleObjective: evaluation.metrics[objective.key],
      candidates: combinations.length,
      failedCandidates: failures.length,
      firstError,
    });
  }
  const equity = concatCurves(curves.map((c) => c.equity));
  const inMarket = concatBytes(curves.map((c) => c.inMarket));
  const firstTest = windows[0]?.testFrom ?? timeAt(reference.length);
  const measured = prepared.series.map((s) => sliceSeries(s, lowerBound(s, firstTest), s.length));
  const outOfSample = computeMetrics({
    equity,
    trades,
    initialCash: prepared.settings.cash,
    benchmarkClose: buyAndHoldIndex(measured, equity.time),
    inMarket,
    ...(prepared.settings.periodsPerYear !== undefined ? { periodsPerYear: prepared.settings.periodsPerYear } : {}),
  });
  return {
    strategy: prepared.spec.name,
    ...plan,
    warmupBars,
    objective,
    windows,
    equity,
    inMarket,
    trades,
    outOfSample,
    overfitting: overfittingStats(windows, objective.key),
    dataHash: hashSeries(prepared.series),
    configHash: hashConfig({
      spec: prepared.spec,
      grid,
      params: options.params ?? {},
      settings: plainSettings(options),
      ...plan,
      warmupBars,
      objective,
    }),
    notes,
  };
}

/** Default warm-up: from the longest lookback of any combination, measured on the first training bars only. */
function measureWarmup(prepared: PreparedRun, probe: CandleSeries): number {
  let lookback = 0;
  for (const params of prepared.combinations) {
    try {
      lookback = Math.max(lookback, strategyLookback(compileSpec(prepared.spec, params), probe));
    } catch {
      // A combination that does not compile fails again, with its message, as a training result.
    }
  }
  return defaultWarmupBars(lookback);
}

async function runTasks(
  prepared: PreparedRun,
  tasks: readonly BacktestTask[],
  workers: number | undefined,
  onResult: () => void,
): Promise<TaskResult[]> {
  const count = Math.min(workers ?? (prepared.combinations.length > 1 ? defaultWorkerCount() : 0), tasks.length);
  if (count <= 0) {
    return tasks.map((task) => {
      const result = runTask(prepared, task);
      onResult();
      return result;
    });
  }
  const pool = new BacktestPool({
    series: prepared.series,
    spec: prepared.spec,
    settings: prepared.settings,
    workers: count,
  });
  try {
    return await pool.run(tasks, onResult);
  } finally {
    await pool.close();
  }
}

function concatCurves(curves: readonly EquityCurve[]): EquityCurve {
  let n = 0;
  for (const c of curves) n += c.time.length;
  const time = new Float64Array(n);
  const equity = new Float64Array(n);
  let at = 0;
  for (const c of curves) {
    time.set(c.time, at);
    equity.set(c.equity, at);
    at += c.time.length;
  }
  return { time, equity };
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
