/**
 * Rate of change (TA-Lib ROC): ((real / real `period` bars ago) - 1) × 100, the percentage move over `period`
 * bars. NaN before index `period`; 0 where the earlier value is 0 (TA-Lib's guard against dividing by zero).
 * https://ta-lib.github.io/ta-lib-c/ (function ROC)
 */
import { LookbackWindow } from "./lookback-window.js";
import { warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

function rateOfChange(value: number, previous: number): number {
  return previous !== 0 ? (value / previous - 1) * 100 : 0;
}

/** Rate of change in percent over `period` bars (period >= 1). NaN before index `period`. */
export function roc(real: Numbers, period = 10): Float64Array {
  assertPeriod("roc", period, 1);
  const input = toFloat64(real);
  const length = input.length;
  const out = warmupArray(length, period);
  for (let i = period; i < length; i++) out[i] = rateOfChange(input[i]!, input[i - period]!);
  return out;
}

/** Streaming {@link roc}: `update(value)` returns the rate of change at that bar (NaN for the first `period`). */
export class RocStream implements StreamingIndicator<number, number> {
  private readonly window: LookbackWindow;

  constructor(readonly period = 10) {
    assertPeriod("RocStream", period, 1);
    this.window = new LookbackWindow(period);
  }

  update(value: number): number {
    const result = this.peek(value);
    this.window.push(value);
    return result;
  }

  peek(value: number): number {
    const previous = this.window.oldest();
    return Number.isNaN(previous) ? Number.NaN : rateOfChange(value, previous);
  }

  reset(): void {
    this.window.reset();
  }
}
