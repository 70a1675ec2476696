/**
 * Williams %R (TA-Lib WILLR): -100 × (highest high - close) / (highest high - lowest low) over `period` bars,
 * from -100 (close at the low of the range) to 0 (close at the high). NaN before index `period - 1`; 0 when the
 * range is flat (TA-Lib's convention). Equal to TA-Lib within a few ulps (one division where TA-Lib has two; see
 * close-in-range.ts); WillrStream gives the batch values exactly.
 * https://ta-lib.github.io/ta-lib-c/ (function WILLR)
 */
import { closeInRangeInto, williamsROf } from "./close-in-range.js";
import { type HighLowClose, hlcArrays, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator } from "./types.js";
import { WindowMax, WindowMin } from "./window-extremes.js";

/** Williams %R over `period` bars (period >= 2, TA-Lib's range). NaN before index `period - 1`. */
export function willr(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  assertPeriod("willr", period, 2);
  const [highs, lows, closes] = hlcArrays("willr", high, low, close);
  const length = highs.length;
  const out = warmupArray(length, period - 1);
  closeInRangeInto(highs, lows, closes, period, true, out);
  return out;
}

/** Streaming {@link willr}: `update(bar)` reads high, low and close and returns %R at that bar. */
export class WillrStream implements StreamingIndicator<HighLowClose, number> {
  private readonly highest: WindowMax;
  private readonly lowest: WindowMin;

  constructor(readonly period = 14) {
    assertPeriod("WillrStream", period, 2);
    this.highest = new WindowMax(period);
    this.lowest = new WindowMin(period);
  }

  update(bar: HighLowClose): number {
    const highest = this.highest.update(bar.high);
    const lowest = this.lowest.update(bar.low);
    return Number.isNaN(highest) ? Number.NaN : williamsROf(bar.close, highest, lowest);
  }

  peek(bar: HighLowClose): number {
    const highest = this.highest.peek(bar.high);
    const lowest = this.lowest.peek(bar.low);
    return Number.isNaN(highest) ? Number.NaN : williamsROf(bar.close, highest, lowest);
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
  }
}
