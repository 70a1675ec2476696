import { CHUNK_LENGTH, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/**
 * Weighted moving average (TA-Lib WMA): weights 1..period, the newest value weighing most, divided by
 * period * (period + 1) / 2. Output from index period - 1; earlier indices are NaN.
 * Reproduces TA-Lib's running weighted sum exactly. A NaN input makes that output and every later one NaN;
 * period must be >= 2 (TA-Lib's range).
 * https://ta-lib.github.io/ta-lib-c/ (function WMA)
 */
export function wma(real: Numbers, period = 30): Float64Array {
  assertPeriod("wma", period, 2);
  const input = toFloat64(real);
  const length = input.length;
  const out = warmupArray(length, period - 1);
  if (length < period) return out;
  const divider = (period * (period + 1)) / 2;
  let weightedSum = 0;
  let plainSum = 0;
  for (let i = 0; i < period - 1; i++) {
    const value = input[i]!;
    plainSum += value;
    weightedSum += value * (i + 1);
  }
  const state = Float64Array.of(weightedSum, plainSum, 0);
  for (let from = period - 1; from < length; from += CHUNK_LENGTH) {
    wmaChunk(input, out, period, divider, state, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return out;
}

/** Writes out[from .. to - 1]; `state` holds [weighted sum, plain sum, trailing value] in and out. */
function wmaChunk(
  input: Float64Array,
  out: Float64Array,
  period: number,
  divider: number,
  state: Float64Array,
  from: number,
  to: number,
): void {
  let weightedSum = state[0]!;
  let plainSum = state[1]!;
  let trailingValue = state[2]!;
  for (let i = from; i < to; i++) {
    const value = input[i]!;
    plainSum += value;
    plainSum -= trailingValue;
    weightedSum += value * period;
    trailingValue = input[i - period + 1]!;
    out[i] = weightedSum / divider;
    weightedSum -= plainSum;
  }
  state[0] = weightedSum;
  state[1] = plainSum;
  state[2] = trailingValue;
}

/** Streaming WMA: `update(close)` returns the same value as `wma` at that bar (NaN for the first period - 1). */
export class WmaStream implements StreamingIndicator<number, number> {
  readonly period: number;
  private readonly divider: number;
  private readonly window: Float64Array;
  private position = 0;
  private count = 0;
  private weightedSum = 0;
  private plainSum = 0;
  private trailingValue = 0;

  constructor(period = 30) {
    assertPeriod("WmaStream", period, 2);
    this.period = period;
    this.divider = (period * (period + 1)) / 2;
    this.window = new Float64Array(period);
  }

  update(value: number): number {
    const period = this.period;
    const position = this.position;
    this.window[position] = value;
    this.position = position + 1 === period ? 0 : position + 1;
    if (this.count < period - 1) {
      this.count++;
      this.plainSum += value;
      this.weightedSum += value * this.count;
      return Number.NaN;
    }
    const plainSum = this.plainSum + value - this.trailingValue;
    const weightedSum = this.weightedSum + value * period;
    this.trailingValue = this.window[this.position]!;
    this.plainSum = plainSum;
    this.weightedSum = weightedSum - plainSum;
    return weightedSum / this.divider;
  }

  peek(value: number): number {
    if (this.count < this.period - 1) return Number.NaN;
    return (this.weightedSum + value * this.period) / this.divider;
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
    this.weightedSum = 0;
    this.plainSum = 0;
    this.trailingValue = 0;
  }
}
