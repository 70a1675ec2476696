import type { CandleSeries } from "../../domain/candles.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import type { ResolvedSettings } from "../backtest-settings.js";
import { evaluateParameters, type MeasuredRange } from "../evaluate-parameters.js";
import type { Metrics } from "../metrics/index.js";

/** One backtest to run: a parameter combination over (a range of) the data the pool was started with. */
export interface BacktestTask {
  readonly params: Readonly<Record<string, number>>;
  readonly range?: MeasuredRange;
}

/** What came back for one task: metrics, or the error that task raised (the other tasks are unaffected). */
export type TaskResult =
  | { readonly ok: true; readonly metrics: Metrics; readonly tradeCount: number; readonly elapsedMs: number }
  | { readonly ok: false; readonly error: string; readonly elapsedMs: number };

/** The data and assumptions every task of a batch shares. */
export interface TaskContext {
  readonly series: readonly CandleSeries[];
  readonly spec: StrategySpec;
  readonly settings: ResolvedSettings;
}

/**
 * Runs one task and never throws: an error becomes a result naming the parameters. Workers and the main thread
 * both call this, so a row is the same (error text included) wherever it ran.
 */
export function runTask(context: TaskContext, task: BacktestTask): TaskResult {
  const started = performance.now();
  try {
    const evaluation = evaluateParameters({
      series: context.series,
      spec: context.spec,
      params: task.params,
      settings: context.settings,
      ...(task.range !== undefined ? { range: task.range } : {}),
    });
    return {
      ok: true,
      metrics: evaluation.metrics,
      tradeCount: evaluation.tradeCount,
      elapsedMs: evaluation.elapsedMs,
    };
  } catch (error) {
    return { ok: false, error: taskError(task, error), elapsedMs: performance.now() - started };
  }
}

/** "params {"fast":10,"slow":5}: SpecError: ..." — the combination first, so a failed row explains itself. */
export function taskError(task: BacktestTask, error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `params ${JSON.stringify(task.params)}: ${text}`;
}
