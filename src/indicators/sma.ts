import { RunningMean } from "./running-mean.js";
import { CHUNK_LENGTH, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/**
 * Simple moving average (TA-Lib SMA): the mean of the last `period` values.
 * Output index i (from period - 1 on) averages real[i - period + 1 .. i]; earlier indices are NaN.
 * Uses TA-Lib's running sum in TA-Lib's order of operations, so results are bit-identical to TA-Lib.
 * A NaN input makes that output and every later one NaN (as in TA-Lib); period must be >= 2 (TA-Lib's range).
 * https://ta-lib.github.io/ta-lib-c/ (function SMA)
 */
export function sma(real: Numbers, period = 30): Float64Array {
  assertPeriod("sma", period, 2);
  const input = toFloat64(real);
  const length = input.length;
  const out = warmupArray(length, period - 1);
  if (length < period) return out;
  let total = 0;
  for (let i = 0; i < period - 1; i++) total += input[i]!;
  for (let from = period - 1; from < length; from += CHUNK_LENGTH) {
    total = smaChunk(input, out, period, total, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return out;
}

/** Writes out[from .. to - 1] given the sum of the period - 1 values before `from`; returns that sum for `to`. */
function smaChunk(
  input: Float64Array,
  out: Float64Array,
  period: number,
  total: number,
  from: number,
  to: number,
): number {
  for (let i = from; i < to; i++) {
    const sum = total + input[i]!;
    out[i] = sum / period;
    total = sum - input[i - period + 1]!;
  }
  return total;
}

/** Streaming SMA: `update(close)` returns the same value as `sma` at that bar (NaN for the first period - 1). */
export class SmaStream implements StreamingIndicator<number, number> {
  readonly period: number;
  readonly #mean: RunningMean;

  constructor(period = 30) {
    assertPeriod("SmaStream", period, 2);
    this.period = period;
    this.#mean = new RunningMean(period);
  }

  update(value: number): number {
    return this.#mean.update(value);
  }

  peek(value: number): number {
    return this.#mean.peek(value);
  }

  reset(): void {
    this.#mean.reset();
  }
}
