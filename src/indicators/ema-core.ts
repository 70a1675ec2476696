/**
 * TA-Lib's EMA arithmetic shared by EMA and the MACD stream (not part of the public index, which re-exports ema.ts).
 * Seed: the SMA of the first `period` values; then value = (x - value) * k + value with k = 2 / (period + 1).
 */
import { CHUNK_LENGTH } from "./talib-conventions.js";

/**
 * Writes TA-Lib's EMA of input[from .. to - 1] into out[from + period - 1 .. to - 1], seeding with the mean of
 * input[from .. from + period - 1]. Leaves `out` untouched when the range is shorter than `period`.
 */
export function emaInto(input: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  if (to - from < period) return;
  const k = 2 / (period + 1);
  let sum = 0;
  for (let i = from; i < from + period; i++) sum += input[i]!;
  let value = sum / period;
  out[from + period - 1] = value;
  for (let start = from + period; start < to; start += CHUNK_LENGTH) {
    value = emaChunk(input, out, k, value, start, Math.min(to, start + CHUNK_LENGTH));
  }
}

/** Writes out[from .. to - 1] continuing from the EMA `value` at from - 1; returns the EMA at to - 1. */
function emaChunk(input: Float64Array, out: Float64Array, k: number, value: number, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    value = (input[i]! - value) * k + value;
    out[i] = value;
  }
  return value;
}

/** One TA-Lib EMA fed value by value; NaN until `period` values were seen. Accepts period 1 (MACD signal). */
export class ExponentialAverage {
  private readonly k: number;
  private count = 0;
  private seedSum = 0;
  private value = Number.NaN;

  constructor(readonly period: number) {
    this.k = 2 / (period + 1);
  }

  update(input: number): number {
    if (this.count >= this.period) {
      this.value = (input - this.value) * this.k + this.value;
      return this.value;
    }
    this.count++;
    this.seedSum += input;
    if (this.count === this.period) this.value = this.seedSum / this.period;
    return this.value;
  }

  peek(input: number): number {
    if (this.count >= this.period) return (input - this.value) * this.k + this.value;
    if (this.count === this.period - 1) return (this.seedSum + input) / this.period;
    return Number.NaN;
  }

  reset(): void {
    this.count = 0;
    this.seedSum = 0;
    this.value = Number.NaN;
  }
}
