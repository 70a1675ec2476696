/**
 * Long-run share of time the simulated market spends in each regime, from the Markov chain its options describe:
 * each regime lasts a geometric number of bars (mean `meanDurationBars`) and is then left for another by the weights
 * of its `next` row. Used to centre the drift so that the log price has no net trend over long runs.
 */
export interface RegimeChain {
  /** Mean duration in bars of each regime. */
  readonly meanDuration: readonly number[];
  /** `next[r][s]`: relative weight of entering s when r ends (the diagonal is ignored). */
  readonly next: readonly (readonly number[])[];
}

/**
 * The limiting share of bars spent in each regime when starting in `initial`. Computed on the jump chain (which
 * regime follows which), made lazy so that a two-regime cycle converges too, then weighted by the mean durations.
 * Starting from `initial` gives the right answer also for a chain with regimes that cannot be reached from it.
 */
export function regimeShares(chain: RegimeChain, initial: number): Float64Array {
  const count = chain.meanDuration.length;
  const jump = new Float64Array(count * count);
  for (let r = 0; r < count; r++) {
    const row = chain.next[r] ?? [];
    let total = 0;
    for (let s = 0; s < count; s++) if (s !== r) total += row[s] ?? 0;
    for (let s = 0; s < count; s++) {
      const weight = s === r || total === 0 ? 0 : (row[s] ?? 0) / total;
      // Lazy chain: stay with probability 1/2; same stationary distribution, no periodicity.
      jump[r * count + s] = 0.5 * (total === 0 ? (s === r ? 2 : 0) : weight) + (s === r ? 0.5 : 0);
    }
  }
  let visits = new Float64Array(count);
  visits[initial] = 1;
  let following = new Float64Array(count);
  // Four states: a few thousand steps converge to double precision for any sensible weights, in microseconds.
  for (let step = 0; step < 4096; step++) {
    following.fill(0);
    for (let r = 0; r < count; r++) {
      const p = visits[r] as number;
      if (p === 0) continue;
      for (let s = 0; s < count; s++) following[s] = (following[s] as number) + p * (jump[r * count + s] as number);
    }
    [visits, following] = [following, visits];
  }
  const shares = new Float64Array(count);
  let total = 0;
  for (let r = 0; r < count; r++) {
    shares[r] = (visits[r] as number) * (chain.meanDuration[r] as number);
    total += shares[r] as number;
  }
  for (let r = 0; r < count; r++) shares[r] = (shares[r] as number) / total;
  return shares;
}
