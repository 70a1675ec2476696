/**
 * Momentum (TA-Lib MOM): real - real `period` bars ago, the price change over `period` bars in price units.
 * NaN before index `period`. https://ta-lib.github.io/ta-lib-c/ (function MOM)
 */
import { LookbackWindow } from "./lookback-window.js";
import { warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/** Momentum over `period` bars (period >= 1). NaN before index `period`. */
export function mom(real: Numbers, period = 10): Float64Array {
  assertPeriod("mom", period, 1);
  const input = toFloat64(real);
  const length = input.length;
  const out = warmupArray(length, period);
  for (let i = period; i < length; i++) out[i] = input[i]! - input[i - period]!;
  return out;
}

/** Streaming {@link mom}: `update(value)` returns the momentum at that bar (NaN for the first `period`). */
export class MomStream implements StreamingIndicator<number, number> {
  private readonly window: LookbackWindow;

  constructor(readonly period = 10) {
    assertPeriod("MomStream", period, 1);
    this.window = new LookbackWindow(period);
  }

  update(value: number): number {
    const result = this.peek(value);
    this.window.push(value);
    return result;
  }

  peek(value: number): number {
    // NaN during warm-up propagates through the subtraction.
    return value - this.window.oldest();
  }

  reset(): void {
    this.window.reset();
  }
}
