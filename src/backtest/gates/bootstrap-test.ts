import { createRandom } from "../../domain/random.js";

export interface BootstrapResult {
  /** Mean per-bar excess return of the candidate over the benchmark. */
  readonly meanExcess: number;
  /** One-sided p-value of "the candidate does not beat the benchmark" (stationary block bootstrap). */
  readonly pValue: number;
  readonly resamples: number;
  readonly blockLength: number;
}

/**
 * Is a candidate's mean return above a benchmark's (buy-and-hold, or the live strategy) by more than chance?
 * A stationary bootstrap (Politis & Romano; mean block length `blockLength`, which keeps volatility clustering)
 * of the excess returns, re-centred on zero to impose the null; p is the share of resampled means at least as
 * large as the observed one. Seeded: the same inputs give the same p-value.
 */
export function bootstrapExcessTest(
  candidate: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  options: { resamples?: number; blockLength?: number; seed?: number } = {},
): BootstrapResult {
  const n = candidate.length;
  if (n !== benchmark.length)
    throw new RangeError(`candidate has ${n} returns, benchmark ${benchmark.length}; they must be the same bars`);
  if (n < 10) throw new RangeError(`a bootstrap needs at least 10 returns, got ${n}`);
  const resamples = options.resamples ?? 2000;
  const blockLength = options.blockLength ?? 24;
  const random = createRandom(options.seed ?? 1);
  const excess = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    excess[i] = (candidate[i] as number) - (benchmark[i] as number);
    mean += excess[i] as number;
  }
  mean /= n;
  const restart = 1 / blockLength;
  let atLeast = 0;
  for (let k = 0; k < resamples; k++) {
    let sum = 0;
    let at = random.int(0, n - 1);
    for (let i = 0; i < n; i++) {
      if (i > 0 && random.next() < restart) at = random.int(0, n - 1);
      else if (i > 0) at = (at + 1) % n;
      sum += (excess[at] as number) - mean;
    }
    if (sum / n >= mean) atLeast++;
  }
  return { meanExcess: mean, pValue: (atLeast + 1) / (resamples + 1), resamples, blockLength };
}
