/**
 * How much of an agent's out-of-sample result is above chance: the same agent (same seed, same budget, same
 * early stopping on the real validation window) is trained K more times on training bars shuffled by
 * `permuteBars` (seeds 1..K), and each is judged once on the same real test window. The real agent's test figure
 * is set beside that distribution: the share of permuted agents it beats and an empirical p-value,
 * (1 + #permuted ≥ real) / (K + 1) (Phipson & Smyth 2010: never 0, exact under the null for K permutations).
 */
import type { PolicyFigures } from "./evaluate-agent.js";
import { permuteBars } from "./permuted-bars.js";
import { type AgentTrainingOptions, trainAgent } from "./train-agent.js";

export interface PermutationComparison {
  /** The real agent's figure. */
  readonly real: number | null;
  /** Each permuted agent's figure, in seed order (null: not measurable, e.g. Sharpe of too few bars). */
  readonly permuted: readonly (number | null)[];
  readonly permutedMedian: number | null;
  /** Share of the permuted agents whose figure is strictly below the real one (null figures count as beaten). */
  readonly beatenShare: number | null;
  /** (1 + #permuted ≥ real) / (K + 1); null when the real figure is null. */
  readonly pValue: number | null;
}

export interface PermutationBaseline {
  readonly method: string;
  readonly seeds: readonly number[];
  readonly agents: readonly PolicyFigures[];
  readonly totalReturn: PermutationComparison;
  readonly sharpe: PermutationComparison;
}

export const PERMUTATION_METHOD =
  "training bars [1, validation start) shuffled as relative moves (log return, gap, high/low vs close, volume) and prices rebuilt; same agent seed, budget and early stopping on the real validation window; judged on the real test window";

export function compareWithPermuted(real: number | null, permuted: readonly (number | null)[]): PermutationComparison {
  const known = permuted.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const median =
    known.length === 0
      ? null
      : known.length % 2 === 1
        ? (known[(known.length - 1) / 2] as number)
        : ((known[known.length / 2 - 1] as number) + (known[known.length / 2] as number)) / 2;
  if (real === null || permuted.length === 0)
    return { real, permuted, permutedMedian: median, beatenShare: null, pValue: null };
  const atLeast = permuted.filter((x) => x !== null && x >= real).length;
  return {
    real,
    permuted,
    permutedMedian: median,
    beatenShare: (permuted.length - atLeast) / permuted.length,
    pValue: (1 + atLeast) / (permuted.length + 1),
  };
}

/** Trains `count` permuted agents with `options` (the real agent's own options) and compares `real` with them. */
export function permutationBaseline(
  options: AgentTrainingOptions,
  real: PolicyFigures,
  count: number,
  onAgent?: (done: number, total: number) => void,
): PermutationBaseline {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`permutations must be a whole number >= 1`);
  const seeds = Array.from({ length: count }, (_, k) => k + 1);
  const agents: PolicyFigures[] = [];
  for (const seed of seeds) {
    const trainingCandles = permuteBars(options.candles, 1, options.windows.validationFrom, seed);
    const { onProgress: _quiet, ...rest } = options;
    agents.push(trainAgent({ ...rest, trainingCandles }).test.figures);
    onAgent?.(agents.length, count);
  }
  return {
    method: PERMUTATION_METHOD,
    seeds,
    agents,
    totalReturn: compareWithPermuted(
      real.totalReturn,
      agents.map((a) => a.totalReturn),
    ),
    sharpe: compareWithPermuted(
      real.sharpe,
      agents.map((a) => a.sharpe),
    ),
  };
}
