import { runBacktest } from "../../../backtest/run-backtest.js";
import { compileSpec } from "../../../strategy/spec/compile.js";
import type { StrategySpec } from "../../../strategy/spec/schema.js";
import type { Fitness, FitnessPlan } from "../fitness.js";
import { safeFitness } from "../local-evaluator.js";
import { type ScreeningData, type ScreenSettings, screenSpec } from "./screen.js";

/** What one evaluation of a spec over the whole data set reports, from either path. */
export interface EvaluationSummary {
  readonly ok: boolean;
  /** Why the spec was not evaluated (not screenable, does not compile). */
  readonly reason?: string;
  readonly trades: number;
  readonly finalEquity: number;
}

export type JobKind = "screen" | "engine" | "fitness";

/** The work a screening worker (or the calling thread) does for one batch of specs. */
export function runJob(
  kind: JobKind,
  data: ScreeningData,
  settings: ScreenSettings,
  plan: FitnessPlan | undefined,
  specs: readonly StrategySpec[],
): (EvaluationSummary | Fitness)[] {
  if (kind === "fitness") {
    if (plan === undefined) throw new Error("a fitness job needs a fitness plan");
    return specs.map((spec) => safeFitness(data, spec, plan));
  }
  return specs.map((spec): EvaluationSummary => {
    try {
      if (kind === "screen") {
        const result = screenSpec(data, spec, settings, 0, data.series.length, {
          keepReturns: false,
          reuseEquity: true,
          recordTrades: false,
        });
        if (!result.ok) return { ok: false, reason: result.reason, trades: 0, finalEquity: settings.cash };
        return {
          ok: true,
          trades: result.metrics.trades,
          finalEquity: result.equity[result.equity.length - 1] ?? settings.cash,
        };
      }
      const compiled = compileSpec(spec);
      const result = runBacktest({
        feeds: [{ series: data.series, strategy: compiled, allowShort: compiled.allowShort }],
        cash: settings.cash,
        fee: settings.fee,
      });
      return {
        ok: true,
        trades: result.trades.length,
        finalEquity: result.equity.equity[result.equity.equity.length - 1] ?? settings.cash,
      };
    } catch (error) {
      return { ok: false, reason: (error as Error).message, trades: 0, finalEquity: settings.cash };
    }
  });
}
