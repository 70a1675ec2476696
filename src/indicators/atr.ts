import {
  chunkEnd,
  type HighLowClose,
  hlcArrays,
  trueRangeOf,
  type WilderFactors,
  warmupArray,
  wilderFactors,
} from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator } from "./types.js";

/**
 * True range (TA-Lib TRANGE): max(high - low, |high - previous close|, |low - previous close|).
 * Index 0 is NaN (no previous close), as in TA-Lib. Throws a RangeError if the three series differ in length.
 * https://ta-lib.github.io/ta-lib-c/ (function TRANGE)
 */
export function trange(high: Numbers, low: Numbers, close: Numbers): Float64Array {
  const [highs, lows, closes] = hlcArrays("trange", high, low, close);
  const length = highs.length;
  const out = warmupArray(length, 1);
  for (let i = 1; i < length; i++) out[i] = trueRangeOf(highs[i]!, lows[i]!, closes[i - 1]!);
  return out;
}

/**
 * Average true range (TA-Lib ATR, Wilder): the first value, at index `period`, is the plain mean of the true ranges
 * at indices 1..period; then atr = (atr × (period - 1) + tr) / period (as atr × keep + tr × share: equal to TA-Lib
 * within a few ulps). Period 1 returns the true range (TA-Lib).
 * A NaN high/low makes that output and every later one NaN. Throws a RangeError if the series differ in length.
 * https://ta-lib.github.io/ta-lib-c/ (function ATR)
 */
export function atr(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  assertPeriod("atr", period, 1);
  const [highs, lows, closes] = hlcArrays("atr", high, low, close);
  if (period === 1) return trange(highs, lows, closes);
  const length = highs.length;
  const out = warmupArray(length, period);
  if (length <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRangeOf(highs[i]!, lows[i]!, closes[i - 1]!);
  let average = sum / period;
  out[period] = average;
  const factors = wilderFactors(period);
  for (let from = period + 1, end = from; from < length; from = end) {
    end = chunkEnd(period + 1, from, length);
    average = atrChunk(highs, lows, closes, out, factors, average, from, end);
  }
  return out;
}

/**
 * Writes out[from .. to - 1] continuing from the ATR `average` at from - 1; returns the ATR at to - 1.
 * TA-Lib's (atr × (period − 1) + tr) / period becomes atr × keep + tr × share: its division sat on the loop-carried
 * chain (measured ~2× slower), and the difference is a few ulps (the smoothing is a contraction, errors do not
 * grow). trueRangeOf is spelled out: a module-level helper costs a load and a check per bar in V8's optimized loop.
 */
function atrChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  out: Float64Array,
  { keep, share }: WilderFactors,
  average: number,
  from: number,
  to: number,
): number {
  let previousClose = closes[from - 1]!;
  for (let i = from; i < to; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    let trueRange = high - low;
    const toHigh = Math.abs(previousClose - high);
    if (toHigh > trueRange) trueRange = toHigh;
    const toLow = Math.abs(previousClose - low);
    if (toLow > trueRange) trueRange = toLow;
    previousClose = closes[i]!;
    average = average * keep + trueRange * share;
    out[i] = average;
  }
  return average;
}

/** Streaming true range: NaN for the first bar, then the true range against the previous close. */
export class TrangeStream implements StreamingIndicator<HighLowClose, number> {
  private previousClose = Number.NaN;
  private started = false;

  update(bar: HighLowClose): number {
    const result = this.peek(bar);
    this.previousClose = bar.close;
    this.started = true;
    return result;
  }

  peek(bar: HighLowClose): number {
    return this.started ? trueRangeOf(bar.high, bar.low, this.previousClose) : Number.NaN;
  }

  reset(): void {
    this.previousClose = Number.NaN;
    this.started = false;
  }
}

/** Streaming ATR: `update(bar)` returns the same value as `atr` at that bar (NaN for the first `period` bars). */
export class AtrStream implements StreamingIndicator<HighLowClose, number> {
  readonly period: number;
  private readonly factors: WilderFactors;
  private count = 0;
  private previousClose = Number.NaN;
  private average = 0;

  constructor(period = 14) {
    assertPeriod("AtrStream", period, 1);
    this.period = period;
    this.factors = wilderFactors(period);
  }

  update(bar: HighLowClose): number {
    return this.step(bar, true);
  }

  peek(bar: HighLowClose): number {
    return this.step(bar, false);
  }

  reset(): void {
    this.count = 0;
    this.previousClose = Number.NaN;
    this.average = 0;
  }

  private step(bar: HighLowClose, commit: boolean): number {
    const period = this.period;
    const count = this.count;
    let average = this.average;
    let result = Number.NaN;
    if (count > 0) {
      const range = trueRangeOf(bar.high, bar.low, this.previousClose);
      if (period === 1) {
        result = range;
      } else if (count < period) {
        average += range;
      } else if (count === period) {
        average = (average + range) / period;
        result = average;
      } else {
        average = average * this.factors.keep + range * this.factors.share;
        result = average;
      }
    }
    if (commit) {
      this.count = count + 1;
      this.previousClose = bar.close;
      this.average = average;
    }
    return result;
  }
}
