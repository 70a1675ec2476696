import { CHUNK_LENGTH, isZero, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/**
 * Relative strength index (TA-Lib RSI, Wilder): 100 × avgGain / (avgGain + avgLoss), in [0, 100].
 * The averages are seeded with the plain means of the first `period` changes (output at index `period`), then
 * smoothed as avg = (avg × (period - 1) + change) / period. When avgGain + avgLoss is below 1e-14 (flat prices)
 * the RSI is 0, as in TA-Lib. A NaN input makes that output and every later one NaN; period must be >= 2.
 * https://ta-lib.github.io/ta-lib-c/ (function RSI)
 */
export function rsi(real: Numbers, period = 14): Float64Array {
  assertPeriod("rsi", period, 2);
  const input = toFloat64(real);
  const length = input.length;
  const out = warmupArray(length, period);
  if (length <= period) return out;
  let gain = 0;
  let loss = 0;
  let previous = input[0]!;
  for (let i = 1; i <= period; i++) {
    const value = input[i]!;
    const change = value - previous;
    previous = value;
    if (change < 0) loss -= change;
    else gain += change;
  }
  loss /= period;
  gain /= period;
  out[period] = rsiOf(gain, loss);
  const state = Float64Array.of(gain, loss);
  for (let from = period + 1; from < length; from += CHUNK_LENGTH) {
    rsiChunk(input, out, period, state, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return out;
}

/** Writes out[from .. to - 1]; `state` holds the [average gain, average loss] at from - 1, updated in place. */
function rsiChunk(
  input: Float64Array,
  out: Float64Array,
  period: number,
  state: Float64Array,
  from: number,
  to: number,
): void {
  const previousWeight = period - 1;
  let gain = state[0]!;
  let loss = state[1]!;
  for (let i = from; i < to; i++) {
    const change = input[i]! - input[i - 1]!;
    // Branch-free form of TA-Lib's `if (change < 0) loss -= change; else gain += change;`: adding change × 0
    // leaves a sum bit-identical, and up/down bars alternate too randomly for branch prediction. (A NaN change
    // poisons both averages where TA-Lib poisons one; every later RSI is NaN either way.)
    const falling = +(change < 0);
    loss = (loss * previousWeight - change * falling) / period;
    gain = (gain * previousWeight + change * (1 - falling)) / period;
    out[i] = rsiOf(gain, loss);
  }
  state[0] = gain;
  state[1] = loss;
}

function rsiOf(gain: number, loss: number): number {
  const total = gain + loss;
  return isZero(total) ? 0 : 100 * (gain / total);
}

/** Streaming RSI: `update(close)` returns the same value as `rsi` at that bar (NaN for the first `period` bars). */
export class RsiStream implements StreamingIndicator<number, number> {
  readonly period: number;
  private count = 0;
  private previous = Number.NaN;
  private gain = 0;
  private loss = 0;

  constructor(period = 14) {
    assertPeriod("RsiStream", period, 2);
    this.period = period;
  }

  update(value: number): number {
    return this.step(value, true);
  }

  peek(value: number): number {
    return this.step(value, false);
  }

  reset(): void {
    this.count = 0;
    this.previous = Number.NaN;
    this.gain = 0;
    this.loss = 0;
  }

  private step(value: number, commit: boolean): number {
    const period = this.period;
    const count = this.count;
    let gain = this.gain;
    let loss = this.loss;
    let result = Number.NaN;
    if (count > 0) {
      const change = value - this.previous;
      if (count > period) {
        loss *= period - 1;
        gain *= period - 1;
      }
      if (change < 0) loss -= change;
      else gain += change;
      if (count >= period) {
        loss /= period;
        gain /= period;
        result = rsiOf(gain, loss);
      }
    }
    if (commit) {
      this.count = count + 1;
      this.previous = value;
      this.gain = gain;
      this.loss = loss;
    }
    return result;
  }
}
