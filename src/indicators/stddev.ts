import { assertFinite, CHUNK_LENGTH, TALIB_EPSILON, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/**
 * Standard deviation (TA-Lib STDDEV): the population standard deviation (divide by n) of the last `period`
 * values, times `nbdev`. Output from index period - 1; earlier indices are NaN.
 * Like TA-Lib, it keeps running sums of x and x² and takes mean(x²) - mean(x)²; a variance below 1e-14 (TA-Lib's
 * epsilon, which also absorbs tiny negative rounding) gives 0. Arithmetic is in TA-Lib's order, so results are
 * bit-identical to TA-Lib, including its rounding residue on flat windows (e.g. σ ≈ 1.3e-6 for 100.1 repeated).
 * A NaN input makes that output and every later one NaN; period must be >= 2.
 * https://ta-lib.github.io/ta-lib-c/ (function STDDEV)
 */
export function stddev(real: Numbers, period = 5, nbdev = 1): Float64Array {
  assertPeriod("stddev", period, 2);
  assertFinite("stddev", "nbdev", nbdev);
  const input = toFloat64(real);
  const length = input.length;
  const out = warmupArray(length, period - 1);
  if (length < period) return out;
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < period - 1; i++) {
    const value = input[i]!;
    sum += value;
    sumOfSquares += value * value;
  }
  const sums = Float64Array.of(sum, sumOfSquares);
  for (let from = period - 1; from < length; from += CHUNK_LENGTH) {
    stddevChunk(input, out, period, nbdev, sums, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return out;
}

/** Writes out[from .. to - 1]; `sums` holds [Σx, Σx²] of the period - 1 values before `from`, updated in place. */
function stddevChunk(
  input: Float64Array,
  out: Float64Array,
  period: number,
  nbdev: number,
  sums: Float64Array,
  from: number,
  to: number,
): void {
  let sum = sums[0]!;
  let sumOfSquares = sums[1]!;
  for (let i = from; i < to; i++) {
    const value = input[i]!;
    sum += value;
    sumOfSquares += value * value;
    const mean = sum / period;
    const meanOfSquares = sumOfSquares / period;
    const old = input[i - period + 1]!;
    sum -= old;
    sumOfSquares -= old * old;
    const variance = meanOfSquares - mean * mean;
    out[i] = variance < TALIB_EPSILON ? 0 : Math.sqrt(variance) * nbdev;
  }
  sums[0] = sum;
  sums[1] = sumOfSquares;
}

/** Streaming STDDEV: `update(close)` returns the same value as `stddev` at that bar (NaN for the first period - 1). */
export class StddevStream implements StreamingIndicator<number, number> {
  readonly period: number;
  readonly nbdev: number;
  private readonly window: Float64Array;
  private position = 0;
  private count = 0;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(period = 5, nbdev = 1) {
    assertPeriod("StddevStream", period, 2);
    assertFinite("StddevStream", "nbdev", nbdev);
    this.period = period;
    this.nbdev = nbdev;
    this.window = new Float64Array(period);
  }

  update(value: number): number {
    const period = this.period;
    const position = this.position;
    this.window[position] = value;
    this.position = position + 1 === period ? 0 : position + 1;
    if (this.count < period - 1) {
      this.count++;
      this.sum += value;
      this.sumOfSquares += value * value;
      return Number.NaN;
    }
    const sum = this.sum + value;
    const sumOfSquares = this.sumOfSquares + value * value;
    // The oldest value in the window sits in the slot after the one just written.
    const old = this.window[this.position]!;
    this.sum = sum - old;
    this.sumOfSquares = sumOfSquares - old * old;
    return this.deviation(sum, sumOfSquares);
  }

  peek(value: number): number {
    if (this.count < this.period - 1) return Number.NaN;
    return this.deviation(this.sum + value, this.sumOfSquares + value * value);
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
    this.sum = 0;
    this.sumOfSquares = 0;
  }

  private deviation(sum: number, sumOfSquares: number): number {
    const mean = sum / this.period;
    const variance = sumOfSquares / this.period - mean * mean;
    return variance < TALIB_EPSILON ? 0 : Math.sqrt(variance) * this.nbdev;
  }
}
