import { assertFinite, CHUNK_LENGTH, TALIB_EPSILON, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/** Bollinger Bands arrays, each of the input's length (NaN before index period - 1). */
export interface BbandsResult {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/** Bollinger Bands at one bar (all NaN during warm-up). */
export interface BbandsValue {
  upper: number;
  middle: number;
  lower: number;
}

/**
 * Bollinger Bands (TA-Lib BBANDS with MA type SMA): middle = SMA(period); upper/lower = middle ± nbdev × σ where σ is
 * the population standard deviation of the same window. Output from index period - 1.
 * Reproduces TA-Lib's arithmetic exactly: running sums for the SMA and for Σx², σ² = Σx²/n - middle², and σ = 0
 * when σ² < 1e-14 (a flat window can keep TA-Lib's tiny rounding residue, bit for bit). A NaN input makes that
 * output and every later one NaN; period must be >= 2.
 * https://ta-lib.github.io/ta-lib-c/ (function BBANDS)
 */
export function bbands(real: Numbers, period = 5, nbdevup = 2, nbdevdn = 2): BbandsResult {
  assertPeriod("bbands", period, 2);
  assertFinite("bbands", "nbdevup", nbdevup);
  assertFinite("bbands", "nbdevdn", nbdevdn);
  const input = toFloat64(real);
  const length = input.length;
  const upper = warmupArray(length, period - 1);
  const middle = warmupArray(length, period - 1);
  const lower = warmupArray(length, period - 1);
  if (length < period) return { upper, middle, lower };
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < period - 1; i++) {
    const value = input[i]!;
    sum += value;
    sumOfSquares += value * value;
  }
  const sums = Float64Array.of(sum, sumOfSquares);
  const bands = { upper, middle, lower };
  for (let from = period - 1; from < length; from += CHUNK_LENGTH) {
    bbandsChunk(input, bands, period, nbdevup, nbdevdn, sums, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return bands;
}

/** Writes the bands at [from, to); `sums` holds [Σx, Σx²] of the period - 1 values before `from`, updated in place. */
function bbandsChunk(
  input: Float64Array,
  bands: BbandsResult,
  period: number,
  nbdevup: number,
  nbdevdn: number,
  sums: Float64Array,
  from: number,
  to: number,
): void {
  const { upper, middle, lower } = bands;
  let sum = sums[0]!;
  let sumOfSquares = sums[1]!;
  for (let i = from; i < to; i++) {
    const value = input[i]!;
    const windowSum = sum + value;
    const old = input[i - period + 1]!;
    sum = windowSum - old;
    const mean = windowSum / period;
    sumOfSquares += value * value;
    const variance = sumOfSquares / period - mean * mean;
    sumOfSquares -= old * old;
    const deviation = variance < TALIB_EPSILON ? 0 : Math.sqrt(variance);
    middle[i] = mean;
    upper[i] = mean + deviation * nbdevup;
    lower[i] = mean - deviation * nbdevdn;
  }
  sums[0] = sum;
  sums[1] = sumOfSquares;
}

/** Streaming BBANDS: `update(close)` returns the same bands as `bbands` at that bar. */
export class BbandsStream implements StreamingIndicator<number, BbandsValue> {
  readonly period: number;
  readonly nbdevup: number;
  readonly nbdevdn: number;
  private readonly window: Float64Array;
  private position = 0;
  private count = 0;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(period = 5, nbdevup = 2, nbdevdn = 2) {
    assertPeriod("BbandsStream", period, 2);
    assertFinite("BbandsStream", "nbdevup", nbdevup);
    assertFinite("BbandsStream", "nbdevdn", nbdevdn);
    this.period = period;
    this.nbdevup = nbdevup;
    this.nbdevdn = nbdevdn;
    this.window = new Float64Array(period);
  }

  update(value: number): BbandsValue {
    const period = this.period;
    const position = this.position;
    this.window[position] = value;
    this.position = position + 1 === period ? 0 : position + 1;
    if (this.count < period - 1) {
      this.count++;
      this.sum += value;
      this.sumOfSquares += value * value;
      return { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };
    }
    const sum = this.sum + value;
    const sumOfSquares = this.sumOfSquares + value * value;
    // The oldest value in the window sits in the slot after the one just written.
    const old = this.window[this.position]!;
    this.sum = sum - old;
    this.sumOfSquares = sumOfSquares - old * old;
    return this.bands(sum, sumOfSquares);
  }

  peek(value: number): BbandsValue {
    if (this.count < this.period - 1) return { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };
    return this.bands(this.sum + value, this.sumOfSquares + value * value);
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
    this.sum = 0;
    this.sumOfSquares = 0;
  }

  private bands(sum: number, sumOfSquares: number): BbandsValue {
    const middle = sum / this.period;
    const variance = sumOfSquares / this.period - middle * middle;
    const deviation = variance < TALIB_EPSILON ? 0 : Math.sqrt(variance);
    return { upper: middle + deviation * this.nbdevup, middle, lower: middle - deviation * this.nbdevdn };
  }
}
