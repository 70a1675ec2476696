import { StddevStream } from "./stddev.js";
import { TALIB_EPSILON } from "./talib-conventions.js";
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
  // One pass with a ring of the last `period` returns instead of a returns array and a stddev array of the whole
  // length (two more 4 M-bar arrays to fault in on a long run). The sums run in stddev's order (TA-Lib's), so every
  // output is bit-identical to stddev over the returns.
  const ring = new Float64Array(period);
  let sum = 0;
  let sumOfSquares = 0;
  for (let j = 0; j < period - 1; j++) {
    const value = Math.log(input[j + 1]! / input[j]!);
    ring[j] = value;
    sum += value;
    sumOfSquares += value * value;
  }
  for (let j = period - 1; j < input.length - 1; j++) {
    const value = Math.log(input[j + 1]! / input[j]!);
    ring[j % period] = value;
    sum += value;
    sumOfSquares += value * value;
    const mean = sum / period;
    const meanOfSquares = sumOfSquares / period;
    const old = ring[(j - period + 1) % period]!;
    sum -= old;
    sumOfSquares -= old * old;
    const variance = meanOfSquares - mean * mean;
    out[j + 1] = variance < TALIB_EPSILON ? 0 : Math.sqrt(variance);
  }
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
