/**
 * Volume ratio: the bar's volume divided by the simple moving average of volume over the last `period` bars
 * (current bar included), the seed systems' "volume ratio". 1 is an ordinary bar, 2 twice the recent average.
 * NaN before index `period - 1` and where the window's volume is all zero (the average is 0).
 * TA-Lib has no such function; it equals volume / TA-Lib SMA(volume, period) up to rounding.
 */
import { warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";
import { WindowSum } from "./window-sum.js";

/** Volume over its `period`-bar simple moving average (period >= 1). NaN during warm-up and for all-zero windows. */
export function volumeRatio(volume: Numbers, period = 20): Float64Array {
  assertPeriod("volumeRatio", period, 1);
  const volumes = toFloat64(volume);
  const length = volumes.length;
  const out = warmupArray(length, period - 1);
  // WindowSum inlined, one block of `period` bars at a time (slot j holds bar start + j); same operations in the
  // same order as the class the stream uses, so equal results.
  const window = new Float64Array(period);
  let sum = 0;
  let nonZero = 0;
  for (let start = 0; start < length; start += period) {
    const end = Math.min(start + period, length);
    const full = start >= period;
    for (let i = start, j = 0; i < end; i++, j++) {
      const v = volumes[i]!;
      if (full) {
        const leaving = window[j]!;
        sum -= leaving;
        if (leaving !== 0) nonZero--;
      }
      window[j] = v;
      sum += v;
      if (v !== 0) nonZero++;
      if (j + 1 === period) {
        let total = 0;
        for (let k = 0; k < period; k++) total += window[k]!;
        sum = total;
      }
      if (i >= period - 1) out[i] = nonZero === 0 ? Number.NaN : v / (sum / period);
    }
  }
  return out;
}

/** Streaming {@link volumeRatio}: `update(volume)` returns the ratio at that bar. */
export class VolumeRatioStream implements StreamingIndicator<number, number> {
  private readonly window: WindowSum;

  constructor(readonly period = 20) {
    assertPeriod("VolumeRatioStream", period, 1);
    this.window = new WindowSum(period);
  }

  update(volume: number): number {
    this.window.add(volume);
    if (!this.window.full || this.window.allZero) return Number.NaN;
    return volume / (this.window.sum / this.period);
  }

  peek(volume: number): number {
    if (this.window.peekAllZero(volume)) return Number.NaN;
    return volume / (this.window.peekSum(volume) / this.period);
  }

  reset(): void {
    this.window.reset();
  }
}
