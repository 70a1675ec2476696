/**
 * Small helpers shared by the indicators to reproduce TA-Lib C (0.6) arithmetic exactly.
 * Not exported from the package index: they are implementation details.
 */
import { type BarInput, type Numbers, toFloat64 } from "./types.js";

/** TA-Lib's TA_EPSILON (ta_utility.h): values with |v| below it count as zero. */
export const TALIB_EPSILON = 1e-14;

/** TA-Lib's TA_IS_ZERO: true for |v| < 1e-14; false for NaN (so NaN propagates as in TA-Lib). */
export function isZero(value: number): boolean {
  return -TALIB_EPSILON < value && value < TALIB_EPSILON;
}

/**
 * Batch loops run in chunks of this many bars through a small kernel function. A function called once with one long
 * loop only ever runs V8's on-stack-replacement code (compiled mid-loop, before its setup code had type feedback),
 * which measured ~2× slower and varied from run to run; a kernel called per chunk gets regular optimized code.
 */
export const CHUNK_LENGTH = 4096;

/**
 * End of the batch chunk starting at `from`, for drivers whose chunks start at `first`: the first chunk is short, so
 * the kernel runs to its end once before V8 optimizes it. A kernel's first long call is compiled in the middle of
 * its loop (on-stack replacement) while the code after the loop (writing its state back) has never run; that code
 * then lacks type feedback, deoptimizes, and the cached mid-loop code did so again on every call (hundreds of
 * deoptimizations per run, measured ~1.5-2× slower).
 */
export function chunkEnd(first: number, from: number, length: number): number {
  return Math.min(length, from + (from === first ? 64 : CHUNK_LENGTH));
}

/**
 * Multipliers replacing TA-Lib's per-bar divisions in Wilder smoothing (ATR, DM, TR, ADX): `keep` = (period − 1) /
 * period and `share` = 1 / period. A division on a smoothing's loop-carried chain costs ~13 cycles per bar, a
 * multiply 3-4 (measured ~1.8× on ATR); the results differ from TA-Lib by a few ulps, and since the smoothing
 * is a contraction those differences do not grow along the series.
 */
export interface WilderFactors {
  keep: number;
  share: number;
}

export function wilderFactors(period: number): WilderFactors {
  return { keep: (period - 1) / period, share: 1 / period };
}

/** A Float64Array of `length` values: NaN for indices below `firstValid`, 0 after (to be overwritten). */
export function warmupArray(length: number, firstValid: number): Float64Array {
  const out = new Float64Array(length);
  out.fill(Number.NaN, 0, Math.min(firstValid, length));
  return out;
}

/** Throws a RangeError naming the indicator and both series when two input series differ in length. */
export function assertSameLength(
  name: string,
  field: string,
  length: number,
  expected: number,
  referenceField = "high",
): void {
  if (length !== expected) {
    throw new RangeError(`${name}: ${field} has ${length} values but ${referenceField} has ${expected}`);
  }
}

/** Throws a RangeError unless `value` is a finite number (e.g. a standard-deviation multiplier). */
export function assertFinite(name: string, field: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name}: ${field} must be a finite number, got ${value}`);
  }
}

/**
 * True range as TA-Lib computes it: max(high - low, |high - previousClose|, |low - previousClose|),
 * comparisons in that order (a NaN previous close leaves high - low).
 */
export function trueRangeOf(high: number, low: number, previousClose: number): number {
  let greatest = high - low;
  const toHigh = Math.abs(previousClose - high);
  if (toHigh > greatest) greatest = toHigh;
  const toLow = Math.abs(previousClose - low);
  if (toLow > greatest) greatest = toLow;
  return greatest;
}

/** The bar fields that TRANGE, ATR and the directional-movement indicators read (a BarInput also fits). */
export type HighLowClose = Pick<BarInput, "high" | "low" | "close">;

/** Converts high/low/close inputs to Float64Array, throwing a RangeError naming the indicator on a length mismatch. */
export function hlcArrays(
  name: string,
  high: Numbers,
  low: Numbers,
  close: Numbers,
): [Float64Array, Float64Array, Float64Array] {
  assertSameLength(name, "low", low.length, high.length);
  assertSameLength(name, "close", close.length, high.length);
  return [toFloat64(high), toFloat64(low), toFloat64(close)];
}
