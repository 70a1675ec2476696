/**
 * Batch rolling maximum and minimum over `period` values (TA-Lib MAX/MIN, Donchian channels, and through
 * close-in-range.ts the stochastic and Williams %R). Not exported from the package index. Inputs are expected to be
 * finite; results are exact (each output is one of the inputs).
 *
 * The van Herk / Gil-Werman block algorithm: the series is cut into blocks of `period` values; a window ending at i
 * is the suffix of the previous block plus the prefix of i's block, so its extreme is the larger of a suffix extreme
 * and a running prefix extreme. Two costs dominate in V8 and are avoided here:
 * - a branch on "is this value a new extreme" mispredicts at every run of new highs in a price series (Math.max
 *   compiles to such branches), so the scans pick with {@link larger}, a branch-free select;
 * - that select is a ~17-cycle dependency from one value to the next, so four blocks are scanned side by side
 *   (four independent chains), and the suffixes of a whole chunk are scanned before its prefixes.
 * Measured ~1.6× faster than one branchy scan per block. Minimum = −maximum of the negated values (negation is exact).
 */
import { CHUNK_LENGTH } from "./talib-conventions.js";

/** max(t, v) without a branch: Number(comparison) is a flag, and 0 × x + 1 × y = y exactly for finite x, y. */
export function larger(t: number, v: number): number {
  const w = Number(v > t);
  return w * v + (1 - w) * t;
}

/** Bars per chunk for `period`: whole groups of four blocks, about CHUNK_LENGTH bars. */
export function extremesChunk(period: number): number {
  return Math.max(1, Math.floor(CHUNK_LENGTH / (4 * period))) * 4 * period;
}

/**
 * Writes the rolling maximum (`sign` 1) or minimum (`sign` −1) of `src` over `period` values into `out` from index
 * `period − 1` on; earlier indices are left untouched. `out` must not alias `src`.
 */
export function rollingExtremeInto(src: Float64Array, period: number, sign: number, out: Float64Array): void {
  const length = src.length;
  if (length < period) return;
  let first = sign * src[0]!;
  for (let i = 1; i < period; i++) first = Math.max(first, sign * src[i]!);
  out[period - 1] = sign * first;
  const chunk = extremesChunk(period);
  const suffix = new Float64Array(chunk + period);
  for (let from = period; from < length; from += chunk) {
    const to = Math.min(length, from + chunk);
    suffixPass(src, sign, period, suffix, from - period, to);
    prefixPass(src, sign, period, suffix, out, from, to);
  }
}

/**
 * For the blocks [from, to) (from a multiple of period), writes suffix[j − from] = sign × the extreme of src from j to
 * the end of j's block (or to `to`).
 */
export function suffixPass(
  src: Float64Array,
  sign: number,
  period: number,
  suffix: Float64Array,
  from: number,
  to: number,
): void {
  let start = from;
  for (; start + 4 * period <= to; start += 4 * period) {
    const b = start + period;
    const c = b + period;
    const d = c + period;
    const at = start - from;
    let k = period - 1;
    let tailA = sign * src[start + k]!;
    let tailB = sign * src[b + k]!;
    let tailC = sign * src[c + k]!;
    let tailD = sign * src[d + k]!;
    for (; k >= 0; k--) {
      tailA = larger(tailA, sign * src[start + k]!);
      tailB = larger(tailB, sign * src[b + k]!);
      tailC = larger(tailC, sign * src[c + k]!);
      tailD = larger(tailD, sign * src[d + k]!);
      suffix[at + k] = tailA;
      suffix[at + period + k] = tailB;
      suffix[at + 2 * period + k] = tailC;
      suffix[at + 3 * period + k] = tailD;
    }
  }
  for (; start < to; start += period) {
    const end = Math.min(start + period, to);
    let tail = sign * src[end - 1]!;
    for (let j = end - 1; j >= start; j--) {
      tail = larger(tail, sign * src[j]!);
      suffix[j - from] = tail;
    }
  }
}

/**
 * For the blocks [from, to) (from a multiple of period, suffix filled from from − period on by
 * {@link suffixPass}), writes out[i] = sign × the extreme of src[i − period + 1 .. i].
 */
function prefixPass(
  src: Float64Array,
  sign: number,
  period: number,
  suffix: Float64Array,
  out: Float64Array,
  from: number,
  to: number,
): void {
  // suffix[i − period + 1 − (from − period)] = suffix[i + 1 − from]; for the last value of a block that is the
  // block's own extreme, equal to the running one.
  let start = from;
  for (; start + 4 * period <= to; start += 4 * period) {
    const b = start + period;
    const c = b + period;
    const d = c + period;
    let runA = sign * src[start]!;
    let runB = sign * src[b]!;
    let runC = sign * src[c]!;
    let runD = sign * src[d]!;
    for (let k = 0; k < period; k++) {
      runA = larger(runA, sign * src[start + k]!);
      runB = larger(runB, sign * src[b + k]!);
      runC = larger(runC, sign * src[c + k]!);
      runD = larger(runD, sign * src[d + k]!);
      // The window's split moves once per block, so Math.max's branch here is predictable.
      const at = start + k + 1 - from;
      out[start + k] = sign * Math.max(suffix[at]!, runA);
      out[b + k] = sign * Math.max(suffix[at + period]!, runB);
      out[c + k] = sign * Math.max(suffix[at + 2 * period]!, runC);
      out[d + k] = sign * Math.max(suffix[at + 3 * period]!, runD);
    }
  }
  for (; start < to; start += period) {
    const end = Math.min(start + period, to);
    let run = sign * src[start]!;
    for (let i = start; i < end; i++) {
      run = larger(run, sign * src[i]!);
      out[i] = sign * Math.max(suffix[i + 1 - from]!, run);
    }
  }
}
