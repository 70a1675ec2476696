/**
 * One pass over a value path (an equity curve or benchmark closes): per-bar simple return moments and drawdowns.
 * Kept separate from the metric definitions so the hot loop stays small and allocation-free.
 */

export interface PathStats {
  /** Number of per-bar simple returns accumulated (stops at the first value <= 0, see firstNonPositiveIndex). */
  readonly returnCount: number;
  /** Mean per-bar simple return; NaN without returns. */
  readonly meanReturn: number;
  /** Sample variance (n-1) of per-bar returns; NaN with fewer than two returns. */
  readonly returnVariance: number;
  /** sqrt(mean(min(r, 0)^2)) over all returns (target 0); NaN without returns. */
  readonly downsideDeviation: number;
  /** First index whose value is <= 0, or -1. A return after it would divide by a non-positive base. */
  readonly firstNonPositiveIndex: number;
  /** Max drawdown depth as a positive fraction of the peak; NaN when the first value is <= 0. */
  readonly maxDrawdown: number;
  /** Indices of the max drawdown's peak, trough and recovery (-1 when absent or unrecovered). */
  readonly maxDrawdownPeakIndex: number;
  readonly maxDrawdownTroughIndex: number;
  readonly maxDrawdownRecoveryIndex: number;
  /** Longest time under a previous peak, from the peak to recovery or to the last sample when unrecovered. */
  readonly longestDrawdownMs: number;
  readonly longestDrawdownBars: number;
}

/**
 * Scans `values` sampled at `time` (same length, time ascending) once. A bar is under water while its value is
 * below the running peak; it recovers on the first bar whose value is back at or above that peak.
 */
export function scanPath(values: ArrayLike<number>, time: ArrayLike<number>): PathStats {
  const n = values.length;
  let returnCount = 0;
  // Sums of returns shifted by the first return: as exact as Welford for a near-constant return (no cancellation
  // in sum of squares) but without its loop-carried division, which made the loop several times slower.
  const shift = n > 1 && values[0]! > 0 ? values[1]! / values[0]! - 1 : 0;
  let shiftedSum = 0;
  let shiftedSquares = 0;
  let downsideSquares = 0;
  let firstNonPositiveIndex = n > 0 && values[0]! <= 0 ? 0 : -1;

  const drawdownDefined = n > 0 && values[0]! > 0;
  let peak = n > 0 ? values[0]! : Number.NaN;
  let peakIndex = 0;
  let underwater = false;
  let maxDrawdown = drawdownDefined ? 0 : Number.NaN;
  let maxDrawdownPeakIndex = -1;
  let maxDrawdownTroughIndex = -1;
  let maxDrawdownRecoveryIndex = -1;
  let longestDrawdownMs = 0;
  let longestDrawdownBars = 0;

  for (let i = 1; i < n; i++) {
    const value = values[i]!;
    if (firstNonPositiveIndex < 0) {
      const r = value / values[i - 1]! - 1;
      returnCount++;
      const shifted = r - shift;
      shiftedSum += shifted;
      shiftedSquares += shifted * shifted;
      // (r - |r|)^2 = 4 min(r, 0)^2 exactly; branch-free, since a branch on the sign of r mispredicts half the time.
      const twiceDown = r - Math.abs(r);
      downsideSquares += twiceDown * twiceDown;
      if (value <= 0) firstNonPositiveIndex = i;
    }
    if (!drawdownDefined) continue;
    if (value >= peak) {
      if (underwater) {
        const ms = time[i]! - time[peakIndex]!;
        if (ms > longestDrawdownMs) {
          longestDrawdownMs = ms;
          longestDrawdownBars = i - peakIndex;
        }
        if (peakIndex === maxDrawdownPeakIndex && maxDrawdownRecoveryIndex < 0) maxDrawdownRecoveryIndex = i;
        underwater = false;
      }
      peak = value;
      peakIndex = i;
    } else {
      underwater = true;
      const depth = (peak - value) / peak;
      if (depth > maxDrawdown) {
        maxDrawdown = depth;
        maxDrawdownPeakIndex = peakIndex;
        maxDrawdownTroughIndex = i;
        maxDrawdownRecoveryIndex = -1;
      }
    }
  }
  if (underwater) {
    const ms = time[n - 1]! - time[peakIndex]!;
    if (ms > longestDrawdownMs) {
      longestDrawdownMs = ms;
      longestDrawdownBars = n - 1 - peakIndex;
    }
  }

  const variance =
    returnCount > 1
      ? Math.max(0, (shiftedSquares - (shiftedSum * shiftedSum) / returnCount) / (returnCount - 1))
      : Number.NaN;
  return {
    returnCount,
    meanReturn: returnCount > 0 ? shift + shiftedSum / returnCount : Number.NaN,
    returnVariance: variance,
    downsideDeviation: returnCount > 0 ? Math.sqrt(downsideSquares / 4 / returnCount) : Number.NaN,
    firstNonPositiveIndex,
    maxDrawdown,
    maxDrawdownPeakIndex,
    maxDrawdownTroughIndex,
    maxDrawdownRecoveryIndex,
    longestDrawdownMs,
    longestDrawdownBars,
  };
}

/**
 * Median spacing of ascending timestamps, in ms; NaN with fewer than two. When one spacing covers more than half
 * of the steps (regular bars, or daily bars with weekends) it is the median, found in two passes without
 * allocating (Boyer-Moore majority vote); otherwise a copy of the spacings is sorted.
 */
export function medianSpacingMs(time: ArrayLike<number>): number {
  const n = time.length;
  if (n < 2) return Number.NaN;
  let candidate = 0;
  let votes = 0;
  for (let i = 1; i < n; i++) {
    const step = time[i]! - time[i - 1]!;
    if (votes === 0) {
      candidate = step;
      votes = 1;
    } else if (step === candidate) votes++;
    else votes--;
  }
  let count = 0;
  for (let i = 1; i < n; i++) if (time[i]! - time[i - 1]! === candidate) count++;
  if (2 * count > n - 1) return candidate;
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = time[i]! - time[i - 1]!;
  steps.sort();
  const middle = steps.length >> 1;
  return steps.length % 2 === 1 ? steps[middle]! : (steps[middle - 1]! + steps[middle]!) / 2;
}
