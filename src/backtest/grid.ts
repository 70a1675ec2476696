import type { CandleSeries } from "../domain/candles.js";
import { resolveSpec } from "../strategy/registry.js";
import type { StrategySpec } from "../strategy/spec/schema.js";
import { type BacktestSettings, type ResolvedSettings, resolveSettings } from "./backtest-settings.js";
import type { Metrics } from "./metrics/index.js";
import { cartesian, type ParameterGrid, validateGrid } from "./parameter-grid.js";
import { BacktestPool, defaultWorkerCount } from "./pool/backtest-pool.js";
import { type BacktestTask, runTask, type TaskResult } from "./pool/backtest-task.js";

export { cartesian, combinationCount, type ParameterGrid, validateGrid } from "./parameter-grid.js";

/** The data, strategy and cost assumptions shared by every run of a grid or walk-forward. */
export interface StrategyRunOptions extends BacktestSettings {
  /** One series, or several (one slot per symbol, as in `runBacktest`). */
  readonly series: CandleSeries | readonly CandleSeries[];
  /** A built-in strategy name, a YAML/JSON spec file, or a validated spec. */
  readonly strategy: string | StrategySpec;
  /** Values for parameters that are not in the grid (the rest keep the spec's defaults). */
  readonly params?: Readonly<Record<string, number>>;
}

export interface GridOptions extends StrategyRunOptions {
  readonly grid: ParameterGrid;
  /** Worker threads; default `os.availableParallelism()`, at least 1, never more than there are combinations. */
  readonly workers?: number;
  /** Called after each row, in completion order (`row.index` says which). */
  readonly onProgress?: (done: number, total: number, row: GridRow) => void;
}

/** The result of one parameter combination. Either `metrics` or `error` is null. */
export interface GridRow {
  /** Position of the combination in `cartesian(grid)`; rows are returned in this order. */
  readonly index: number;
  /** The combination merged over the fixed `params` (spec defaults fill the rest). */
  readonly params: Readonly<Record<string, number>>;
  readonly metrics: Metrics | null;
  readonly trades: number | null;
  readonly elapsedMs: number;
  readonly error: string | null;
}

/** Everything a grid needs, checked before any backtest or worker starts. */
export interface PreparedRun {
  readonly series: readonly CandleSeries[];
  readonly spec: StrategySpec;
  readonly settings: ResolvedSettings;
  readonly combinations: readonly Readonly<Record<string, number>>[];
}

/**
 * Resolves the strategy, validates the grid against its parameters, the settings and the series, and expands the
 * combinations (fixed params merged in). Throws naming the offending parameter, value, setting or series.
 */
export function prepareRun(options: StrategyRunOptions, grid: ParameterGrid): PreparedRun {
  const series = seriesList(options.series);
  const spec = typeof options.strategy === "string" ? resolveSpec(options.strategy) : options.strategy;
  const fixed = options.params ?? {};
  validateGrid(spec, grid, fixed);
  const settings = resolveSettings(options);
  const combinations = cartesian(grid).map((combination) => ({ ...fixed, ...combination }));
  return { series, spec, settings, combinations };
}

/** The series option as a list, checked: at least one, none empty, no symbol twice. */
export function seriesList(series: CandleSeries | readonly CandleSeries[]): readonly CandleSeries[] {
  const list: readonly CandleSeries[] = isSeriesList(series) ? series : [series];
  if (list.length === 0) throw new RangeError("series: give at least one candle series");
  const seen = new Set<string>();
  for (const s of list) {
    if (s.length === 0) throw new RangeError(`series ${s.symbol}: has no bars`);
    if (seen.has(s.symbol)) throw new RangeError(`series ${s.symbol}: appears twice; one series per symbol`);
    seen.add(s.symbol);
  }
  return list;
}

function isSeriesList(series: CandleSeries | readonly CandleSeries[]): series is readonly CandleSeries[] {
  return Array.isArray(series);
}

/**
 * Backtests every combination of `grid` on worker threads and returns one row per combination, in `cartesian`
 * order whichever worker finished first. Each worker receives the bars once through shared memory. A combination
 * that fails (an invalid period, say) gives a row with `error` set; the other rows are unaffected. An invalid grid
 * (unknown parameter, empty list, value outside the declared range) throws before any worker starts.
 * Rows equal those of `runGridSequential` for the same options (elapsedMs aside).
 */
export async function runGrid(options: GridOptions): Promise<GridRow[]> {
  const prepared = prepareRun(options, options.grid);
  const total = prepared.combinations.length;
  const workers = Math.min(options.workers ?? defaultWorkerCount(), total);
  const pool = new BacktestPool({ series: prepared.series, spec: prepared.spec, settings: options, workers });
  try {
    const rows = new Array<GridRow>(total);
    let done = 0;
    await pool.run(
      prepared.combinations.map((params) => ({ params })),
      (index, result) => {
        const row = toRow(index, prepared.combinations[index] as Record<string, number>, result);
        rows[index] = row;
        options.onProgress?.(++done, total, row);
      },
    );
    return rows;
  } finally {
    await pool.close();
  }
}

/** The same rows as `runGrid`, computed one after another in the calling thread. */
export function runGridSequential(options: Omit<GridOptions, "workers">): GridRow[] {
  const prepared = prepareRun(options, options.grid);
  const total = prepared.combinations.length;
  return prepared.combinations.map((params, index) => {
    const task: BacktestTask = { params };
    const row = toRow(index, params, runTask(prepared, task));
    options.onProgress?.(index + 1, total, row);
    return row;
  });
}

function toRow(index: number, params: Readonly<Record<string, number>>, result: TaskResult): GridRow {
  return result.ok
    ? { index, params, metrics: result.metrics, trades: result.tradeCount, elapsedMs: result.elapsedMs, error: null }
    : { index, params, metrics: null, trades: null, elapsedMs: result.elapsedMs, error: result.error };
}
