/**
 * Donchian channel: the highest high and lowest low of the last `period` bars (current bar included) and their
 * midpoint. TA-Lib has no DONCHIAN; upper equals TA-Lib MAX(high) and lower equals MIN(low) over the same period.
 * https://www.investopedia.com/terms/d/donchianchannels.asp
 */

import { rollingExtremeInto } from "./rolling-extremes.js";
import { assertSameLength, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type BarInput, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";
import { WindowMax, WindowMin } from "./window-extremes.js";

/** One Donchian channel value: `upper` highest high, `lower` lowest low, `middle` their midpoint. */
export interface DonchianValue {
  upper: number;
  middle: number;
  lower: number;
}

/** Donchian channel arrays, each the input's length. */
export interface DonchianResult {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/**
 * Donchian channel over `period` bars (period >= 1). Each output is NaN before index `period - 1`.
 * A close above the previous bar's `upper` is the classic breakout signal (compare with the previous bar: the
 * current bar's own high is inside its channel).
 */
export function donchian(high: Numbers, low: Numbers, period = 20): DonchianResult {
  assertPeriod("donchian", period, 1);
  assertSameLength("donchian", "low", low.length, high.length);
  const highs = toFloat64(high);
  const lows = toFloat64(low);
  const length = highs.length;
  const upper = warmupArray(length, period - 1);
  const middle = warmupArray(length, period - 1);
  const lower = warmupArray(length, period - 1);
  rollingExtremeInto(highs, period, 1, upper);
  rollingExtremeInto(lows, period, -1, lower);
  for (let i = period - 1; i < length; i++) middle[i] = (upper[i]! + lower[i]!) / 2;
  return { upper, middle, lower };
}

/** Streaming {@link donchian}: `update(bar)` reads `high` and `low` and returns the channel at that bar. */
export class DonchianStream implements StreamingIndicator<Pick<BarInput, "high" | "low">, DonchianValue> {
  private readonly highest: WindowMax;
  private readonly lowest: WindowMin;

  constructor(readonly period = 20) {
    assertPeriod("DonchianStream", period, 1);
    this.highest = new WindowMax(period);
    this.lowest = new WindowMin(period);
  }

  update(bar: Pick<BarInput, "high" | "low">): DonchianValue {
    return channel(this.highest.update(bar.high), this.lowest.update(bar.low));
  }

  peek(bar: Pick<BarInput, "high" | "low">): DonchianValue {
    return channel(this.highest.peek(bar.high), this.lowest.peek(bar.low));
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
  }
}

function channel(upper: number, lower: number): DonchianValue {
  return { upper, middle: (upper + lower) / 2, lower };
}
