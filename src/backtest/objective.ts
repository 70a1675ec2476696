import { METRIC_KEYS, type MetricKey, type Metrics } from "./metrics/index.js";

/** Metrics where a smaller value is better; every other metric is maximized. */
export const LOWER_IS_BETTER: ReadonlySet<MetricKey> = new Set<MetricKey>([
  "annualizedVolatility",
  "maxDrawdown",
  "maxDrawdownDurationMs",
  "maxDrawdownDurationBars",
  "feesPaid",
  "fundingPaid",
]);

/** What parameter selection optimizes: `key`, and `fallback` to rank candidates whose `key` is n/a (null). */
export interface Objective {
  readonly key: MetricKey;
  readonly fallback: MetricKey;
}

export const DEFAULT_OBJECTIVE: Objective = { key: "sharpe", fallback: "totalReturn" };

/** Checks both keys name metrics; throws listing the known keys otherwise. */
export function resolveObjective(
  key: string = DEFAULT_OBJECTIVE.key,
  fallback: string = DEFAULT_OBJECTIVE.fallback,
): Objective {
  for (const [what, value] of [
    ["objective", key],
    ["fallbackObjective", fallback],
  ] as const) {
    if (!(METRIC_KEYS as readonly string[]).includes(value)) {
      throw new RangeError(`${what}: unknown metric "${value}" (metrics: ${METRIC_KEYS.join(", ")})`);
    }
  }
  return { key: key as MetricKey, fallback: fallback as MetricKey };
}

/** Compares two values of metric `key`: > 0 when `a` is better, < 0 when worse, 0 when equal; null is worst. */
function compareValues(key: MetricKey, a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const difference = a - b;
  return LOWER_IS_BETTER.has(key) ? -difference : difference;
}

/**
 * Index of the best candidate, or -1 when every candidate failed (metrics null). Ranked by the objective (a
 * value beats n/a), then by the fallback, then by position: on a full tie the earliest candidate wins, so the choice
 * never depends on which worker finished first.
 */
export function pickBest(candidates: readonly (Metrics | null)[], objective: Objective): number {
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    const metrics = candidates[i];
    if (metrics === null || metrics === undefined) continue;
    if (best < 0) {
      best = i;
      continue;
    }
    const incumbent = candidates[best] as Metrics;
    const byKey = compareValues(objective.key, metrics[objective.key], incumbent[objective.key]);
    const order =
      byKey !== 0
        ? byKey
        : compareValues(objective.fallback, metrics[objective.fallback], incumbent[objective.fallback]);
    if (order > 0) best = i;
  }
  return best;
}
