import { StddevStream, stddev } from "./stddev.js";
import { assertPeriod, type Numbers, nanArray, type StreamingIndicator, toFloat64 } from "./types.js";

/**
 * Realised volatility: the population standard deviation of the last `period` per-bar log returns
 * ln(close / previous close). First output at index `period` (a return needs two closes). Multiply by
 * sqrt(bars per year) to annualise. Used by the risk shield for volatility-adjusted leverage and sizing.
 */
export function logReturnVolatility(close: Numbers, period = 20): Float64Array {
  assertPeriod("logReturnVolatility", period, 2);
  const input = toFloat64(close);
  const out = nanArray(input.length);
  if (input.length <= period) return out;
  const returns = new Float64Array(input.length - 1);
  for (let i = 1; i < input.length; i++) returns[i - 1] = Math.log(input[i]! / input[i - 1]!);
  out.set(stddev(returns, period).subarray(period - 1), period);
  return out;
}

/** Streaming form of `logReturnVolatility`; equal to it bar for bar. */
export class LogReturnVolatilityStream implements StreamingIndicator<number, number> {
  readonly #inner: StddevStream;
  #previous = Number.NaN;

  constructor(period = 20) {
    assertPeriod("LogReturnVolatilityStream", period, 2);
    this.#inner = new StddevStream(period);
  }

  update(close: number): number {
    const previous = this.#previous;
    this.#previous = close;
    if (Number.isNaN(previous)) return Number.NaN;
    return this.#inner.update(Math.log(close / previous));
  }

  peek(close: number): number {
    if (Number.isNaN(this.#previous)) return Number.NaN;
    return this.#inner.peek(Math.log(close / this.#previous));
  }

  reset(): void {
    this.#inner.reset();
    this.#previous = Number.NaN;
  }
}
