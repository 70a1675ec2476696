import type { Sampler, Trial } from "./tpe.js";

/**
 * An objective measured in folds (consecutive time windows): `evaluate(params, fold)` returns that fold's value
 * (higher is better) or null when it has none (no trades, too few trades, a failed run).
 */
export interface FoldObjective {
  readonly folds: number;
  evaluate(params: Readonly<Record<string, number>>, fold: number): number | null;
}

export interface TrialRecord extends Trial {
  readonly number: number;
  /** The value of each fold evaluated (a pruned trial has fewer than `folds`). */
  readonly foldValues: readonly (number | null)[];
  readonly pruned: boolean;
  /** Best value over this and every earlier trial. */
  readonly bestSoFar: number | null;
}

export interface OptimizeOptions {
  readonly sampler: Sampler;
  readonly objective: FoldObjective;
  readonly trials: number;
  /**
   * Median pruning (Optuna's MedianPruner): after each fold but the last, a trial whose running mean is below the
   * median running mean of the completed trials at the same fold stops there. Needs `pruneAfter` completed trials
   * first (default 5); 0 or `false` for `prune` switches it off.
   */
  readonly prune?: boolean;
  readonly pruneAfter?: number;
  readonly onTrial?: (trial: TrialRecord) => void;
}

export interface OptimizeResult {
  readonly sampler: string;
  readonly trials: readonly TrialRecord[];
  readonly best: TrialRecord | undefined;
  /** Fold evaluations actually run (what pruning saves). */
  readonly evaluations: number;
  readonly pruned: number;
}

/** A null fold counts as the worst possible value inside a running mean. */
const WORST = -1e9;

function mean(values: readonly (number | null)[]): number {
  return values.reduce<number>((sum, v) => sum + (v ?? WORST), 0) / values.length;
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `trials` trials of the sampler against the objective, sequentially (each suggestion sees every result). */
export function optimize(options: OptimizeOptions): OptimizeResult {
  const { sampler, objective } = options;
  const prune = options.prune ?? true;
  const pruneAfter = options.pruneAfter ?? 5;
  const records: TrialRecord[] = [];
  let evaluations = 0;
  let best: TrialRecord | undefined;
  for (let number = 0; number < options.trials; number++) {
    const params = sampler.suggest(records);
    const foldValues: (number | null)[] = [];
    let pruned = false;
    for (let fold = 0; fold < objective.folds; fold++) {
      foldValues.push(objective.evaluate(params, fold));
      evaluations++;
      const completed = records.filter((r) => !r.pruned);
      if (prune && fold < objective.folds - 1 && completed.length >= pruneAfter) {
        const peers = completed.map((r) => mean(r.foldValues.slice(0, fold + 1)));
        if (mean(foldValues) < median(peers)) {
          pruned = true;
          break;
        }
      }
    }
    const value = pruned || foldValues.some((v) => v === null) ? null : mean(foldValues);
    const bestSoFar = Math.max(best?.value ?? -Infinity, value ?? -Infinity);
    const record: TrialRecord = {
      number,
      params,
      value,
      foldValues,
      pruned,
      bestSoFar: Number.isFinite(bestSoFar) ? bestSoFar : null,
    };
    if (value !== null && (best?.value === undefined || best.value === null || value > best.value)) best = record;
    records.push(record);
    options.onTrial?.(record);
  }
  return { sampler: sampler.name, trials: records, best, evaluations, pruned: records.filter((r) => r.pruned).length };
}
