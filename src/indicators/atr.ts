import { CHUNK_LENGTH, type HighLowClose, hlcArrays, trueRangeOf, warmupArray } from "./talib-conventions.js";
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
 * at indices 1..period; then atr = (atr × (period - 1) + tr) / period. Period 1 returns the true range (TA-Lib).
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
  for (let from = period + 1; from < length; from += CHUNK_LENGTH) {
    average = atrChunk(highs, lows, closes, out, period, average, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return out;
}

/** Writes out[from .. to - 1] continuing from the ATR `average` at from - 1; returns the ATR at to - 1. */
function atrChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  out: Float64Array,
  period: number,
  average: number,
  from: number,
  to: number,
): number {
  const previousWeight = period - 1;
  for (let i = from; i < to; i++) {
    average *= previousWeight;
    average += trueRangeOf(highs[i]!, lows[i]!, closes[i - 1]!);
    average /= period;
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
  private count = 0;
  private previousClose = Number.NaN;
  private average = 0;

  constructor(period = 14) {
    assertPeriod("AtrStream", period, 1);
    this.period = period;
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
        average *= period - 1;
        average += range;
        average /= period;
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
