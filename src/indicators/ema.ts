import { ExponentialAverage, emaInto } from "./ema-core.js";
import { warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/**
 * Exponential moving average (TA-Lib EMA): seeded with the SMA of the first `period` values at index period - 1,
 * then ema = (x - ema) * k + ema with k = 2 / (period + 1). Earlier indices are NaN.
 * A NaN input makes that output and every later one NaN (as in TA-Lib); period must be >= 2 (TA-Lib's range).
 * https://ta-lib.github.io/ta-lib-c/ (function EMA)
 */
export function ema(real: Numbers, period = 30): Float64Array {
  assertPeriod("ema", period, 2);
  const input = toFloat64(real);
  const out = warmupArray(input.length, period - 1);
  emaInto(input, 0, input.length, period, out);
  return out;
}

/** Streaming TA-Lib EMA: `update(close)` returns the same value as `ema` at that bar (NaN for the first period - 1). */
export class EmaStream implements StreamingIndicator<number, number> {
  readonly period: number;
  private readonly average: ExponentialAverage;

  constructor(period = 30) {
    assertPeriod("EmaStream", period, 2);
    this.period = period;
    this.average = new ExponentialAverage(period);
  }

  update(value: number): number {
    return this.average.update(value);
  }

  peek(value: number): number {
    return this.average.peek(value);
  }

  reset(): void {
    this.average.reset();
  }
}
