/**
 * Commodity Channel Index (TA-Lib CCI): how far the typical price (high + low + close) / 3 sits from its
 * `period`-bar mean, in units of 0.015 × the mean absolute deviation. Readings beyond ±100 are the classic
 * overbought/oversold zones. NaN before index `period - 1`; 0 when the price equals its mean or the window is flat.
 *
 * The typical prices live in a ring summed in TA-Lib's order, so results are bit-identical to TA-Lib (including
 * TA-Lib's rounding on perfectly flat windows, where the mean can miss the price by one ulp). O(period) per bar:
 * the mean absolute deviation has no O(1) update. https://ta-lib.github.io/ta-lib-c/ (function CCI)
 */
import { type HighLowClose, hlcArrays, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator } from "./types.js";

/**
 * CCI of the window held in `ring` (all `period` slots filled, `last` being the newest typical price).
 * Sums run over the ring from slot 0, as TA-Lib does; unrolled by four with the same left-to-right order.
 */
function cciOfRing(ring: Float64Array, period: number, last: number): number {
  const quads = period & ~3;
  let sum = 0;
  let j = 0;
  for (; j < quads; j += 4) sum = sum + ring[j]! + ring[j + 1]! + ring[j + 2]! + ring[j + 3]!;
  for (; j < period; j++) sum += ring[j]!;
  const mean = sum / period;
  let deviation = 0;
  j = 0;
  for (; j < quads; j += 4) {
    deviation =
      deviation +
      Math.abs(ring[j]! - mean) +
      Math.abs(ring[j + 1]! - mean) +
      Math.abs(ring[j + 2]! - mean) +
      Math.abs(ring[j + 3]! - mean);
  }
  for (; j < period; j++) deviation += Math.abs(ring[j]! - mean);
  const distance = last - mean;
  return distance !== 0 && deviation !== 0 ? distance / (0.015 * (deviation / period)) : 0;
}

/** Commodity Channel Index over `period` bars (period >= 2, TA-Lib's range). NaN before index `period - 1`. */
export function cci(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  assertPeriod("cci", period, 2);
  const [highs, lows, closes] = hlcArrays("cci", high, low, close);
  const length = highs.length;
  const out = warmupArray(length, period - 1);
  if (length < period) return out;
  const ring = new Float64Array(period);
  for (let i = 0; i < period - 1; i++) ring[i] = (highs[i]! + lows[i]! + closes[i]!) / 3;
  let position = period - 1;
  for (let i = period - 1; i < length; i++) {
    const typical = (highs[i]! + lows[i]! + closes[i]!) / 3;
    ring[position] = typical;
    out[i] = cciOfRing(ring, period, typical);
    position = position + 1 === period ? 0 : position + 1;
  }
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
    return cciOfRing(this.ring, this.period, typical);
  }

  peek(bar: HighLowClose): number {
    if (this.count < this.period - 1) return Number.NaN;
    const typical = (bar.high + bar.low + bar.close) / 3;
    // Borrow the slot the bar would take, then restore it: state is unchanged when peek returns.
    const saved = this.ring[this.position]!;
    this.ring[this.position] = typical;
    const value = cciOfRing(this.ring, this.period, typical);
    this.ring[this.position] = saved;
    return value;
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
  }
}
