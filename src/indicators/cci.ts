/**
 * Commodity Channel Index (TA-Lib CCI): how far the typical price (high + low + close) / 3 sits from its
 * `period`-bar mean, in units of 0.015 × the mean absolute deviation. Readings beyond ±100 are the classic
 * overbought/oversold zones. NaN before index `period - 1`; 0 when the price equals its mean or the window is flat.
 * https://ta-lib.github.io/ta-lib-c/ (function CCI)
 *
 * TA-Lib keeps the typical prices in a ring (bar i in slot i mod period) and sums the mean over the slots from slot
 * 0. The mean here is summed in exactly that order, so it is bit-identical to TA-Lib's. That matters: on a flat or
 * nearly flat window TA-Lib's mean can miss the price by an ulp, the deviation is then a few ulps too, and the CCI is
 * their ratio, so another summation order would give another number there. The deviation, a sum of non-negative
 * terms, is summed oldest bar first instead (within 1e-15 relative of TA-Lib's slot order; 0 exactly when every
 * term is 0). O(period) per bar: the mean absolute deviation has no O(1) update.
 */
import { cciBlocks, cciOf } from "./cci-blocks.js";
import { type HighLowClose, hlcArrays, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator } from "./types.js";

/** CCI of the full ring whose newest typical price `last` sits in slot `newest`. */
function cciOfRing(ring: Float64Array, period: number, last: number, newest: number): number {
  let sum = 0;
  for (let j = 0; j < period; j++) sum += ring[j]!;
  const mean = sum / period;
  let deviation = 0;
  for (let j = newest + 1; j < period; j++) deviation += Math.abs(ring[j]! - mean);
  for (let j = 0; j <= newest; j++) deviation += Math.abs(ring[j]! - mean);
  return cciOf(last, mean, deviation, 0.015 / period);
}

/** Commodity Channel Index over `period` bars (period >= 2, TA-Lib's range). NaN before index `period - 1`. */
export function cci(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  assertPeriod("cci", period, 2);
  const [highs, lows, closes] = hlcArrays("cci", high, low, close);
  const out = warmupArray(highs.length, period - 1);
  if (highs.length >= period) cciBlocks(highs, lows, closes, period, out);
  return out;
}

/** Streaming {@link cci}: `update(bar)` reads high, low and close and returns the CCI at that bar. */
export class CciStream implements StreamingIndicator<HighLowClose, number> {
  private readonly ring: Float64Array;
  private position = 0;
  private count = 0;

  constructor(readonly period = 14) {
    assertPeriod("CciStream", period, 2);
    this.ring = new Float64Array(period);
  }

  update(bar: HighLowClose): number {
    const typical = (bar.high + bar.low + bar.close) / 3;
    const position = this.position;
    this.ring[position] = typical;
    this.position = position + 1 === this.period ? 0 : position + 1;
    if (this.count < this.period - 1) {
      this.count++;
      return Number.NaN;
    }
    return cciOfRing(this.ring, this.period, typical, position);
  }

  peek(bar: HighLowClose): number {
    if (this.count < this.period - 1) return Number.NaN;
    const typical = (bar.high + bar.low + bar.close) / 3;
    // Borrow the slot the bar would take, then restore it: state is unchanged when peek returns.
    const saved = this.ring[this.position]!;
    this.ring[this.position] = typical;
    const value = cciOfRing(this.ring, this.period, typical, this.position);
    this.ring[this.position] = saved;
    return value;
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
  }
}
