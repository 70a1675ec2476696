/**
 * Rolling highest and lowest value over the last `period` bars (TA-Lib MAX / MIN), batch and streaming.
 * O(1) per bar: blocks for the batch (rolling-extremes.ts), a monotonic deque for the streams (window-extremes.ts);
 * inputs are expected to be finite.
 */
import { rollingExtremeInto } from "./rolling-extremes.js";
import { warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";
import { WindowMax, WindowMin } from "./window-extremes.js";

/**
 * Highest value of `real` over the last `period` bars, current bar included (TA-Lib MAX).
 * NaN before index `period - 1`. `period` >= 2 as in TA-Lib.
 */
export function max(real: Numbers, period = 30): Float64Array {
  assertPeriod("max", period, 2);
  const src = toFloat64(real);
  const out = warmupArray(src.length, period - 1);
  rollingExtremeInto(src, period, 1, out);
  return out;
}

/**
 * Lowest value of `real` over the last `period` bars, current bar included (TA-Lib MIN).
 * NaN before index `period - 1`. `period` >= 2 as in TA-Lib.
 */
export function min(real: Numbers, period = 30): Float64Array {
  assertPeriod("min", period, 2);
  const src = toFloat64(real);
  const out = warmupArray(src.length, period - 1);
  rollingExtremeInto(src, period, -1, out);
  return out;
}

/** Streaming {@link max}: `update(value)` returns the highest of the last `period` values (NaN during warm-up). */
export class MaxStream implements StreamingIndicator<number, number> {
  private readonly window: WindowMax;

  constructor(readonly period = 30) {
    assertPeriod("MaxStream", period, 2);
    this.window = new WindowMax(period);
  }

  update(value: number): number {
    return this.window.update(value);
  }

  peek(value: number): number {
    return this.window.peek(value);
  }

  reset(): void {
    this.window.reset();
  }
}

/** Streaming {@link min}: `update(value)` returns the lowest of the last `period` values (NaN during warm-up). */
export class MinStream implements StreamingIndicator<number, number> {
  private readonly window: WindowMin;

  constructor(readonly period = 30) {
    assertPeriod("MinStream", period, 2);
    this.window = new WindowMin(period);
  }

  update(value: number): number {
    return this.window.update(value);
  }

  peek(value: number): number {
    return this.window.peek(value);
  }

  reset(): void {
    this.window.reset();
  }
}
