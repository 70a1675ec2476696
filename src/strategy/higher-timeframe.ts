import type { Candle } from "../domain/candles.js";
import { bucketStart, type Timeframe, timeframeMs } from "../domain/timeframe.js";
import type { StreamingIndicator } from "../indicators/types.js";
import { derivedPrice } from "./derived-price.js";
import type { StreamInput } from "./indicator-catalog.js";
import type { PriceField } from "./strategy.js";

/**
 * Higher-timeframe values on the base bars (freqtrade's informative pairs, without their classic look-ahead
 * trap). A higher bar is visible from the base bar whose close is at or after the higher bar's close, never
 * before: the 4h bar of 04:00-08:00 is visible from the 1h bar of 07:00-08:00 (which closes at 08:00) on. Every
 * base bar that went into it has closed by then, so a strategy never sees a higher bar that is still forming.
 *
 * `htfTime` holds the higher bars' open times (bucket starts, ascending), `htfValues` the indicator computed on
 * them; the result holds, for each base bar, the value of the last higher bar closed by then (NaN before the first).
 */
export function alignToBaseBars(
  baseTime: Float64Array,
  baseTimeframe: Timeframe,
  htfTime: Float64Array,
  timeframe: Timeframe,
  htfValues: Float64Array,
): Float64Array {
  const baseMs = timeframeMs(baseTimeframe);
  const out = new Float64Array(baseTime.length);
  let k = -1;
  for (let i = 0; i < baseTime.length; i++) {
    const closes = (baseTime[i] as number) + baseMs;
    while (k + 1 < htfTime.length && higherBarEnd(htfTime[k + 1] as number, timeframe) <= closes) k++;
    out[i] = k >= 0 ? (htfValues[k] as number) : Number.NaN;
  }
  return out;
}

/** Close time of the higher bar that opens at `start`. */
function higherBarEnd(start: number, timeframe: Timeframe): number {
  // Weekly buckets start on Mondays, so the end is the next bucket's start rather than start + a fixed length.
  return bucketStart(start, timeframe) + timeframeMs(timeframe);
}

/**
 * The streaming form of {@link alignToBaseBars} for one indicator: base bars go in one at a time, are aggregated
 * into the current higher bar (first open, highest high, lowest low, last close, summed volume, as
 * src/data/resample.ts does), and the indicator is updated when that higher bar closes. `append` returns the
 * visible values, equal bar for bar to the batch alignment of the same indicator on the resampled series.
 */
export class HigherTimeframeStream {
  readonly #timeframe: Timeframe;
  readonly #baseMs: number;
  readonly #source: PriceField;
  readonly #indicator: StreamingIndicator<StreamInput, Float64Array>;
  readonly #visible: Float64Array;
  readonly #bar: StreamInput = { real: 0, time: 0, high: 0, low: 0, close: 0, volume: 0 };
  #open = 0;
  #bucket = Number.NaN;
  #published = true;

  constructor(
    timeframe: Timeframe,
    baseTimeframe: Timeframe,
    source: PriceField,
    indicator: StreamingIndicator<StreamInput, Float64Array>,
    width: number,
  ) {
    this.#timeframe = timeframe;
    this.#baseMs = timeframeMs(baseTimeframe);
    this.#source = source;
    this.#indicator = indicator;
    this.#visible = new Float64Array(width).fill(Number.NaN);
  }

  append(bar: Candle): Float64Array {
    const bucket = bucketStart(bar.time, this.#timeframe);
    if (bucket !== this.#bucket) {
      // A gap may have skipped the closing base bar of the previous higher bar: it closed all the same.
      if (!this.#published) this.#publish();
      this.#bucket = bucket;
      this.#open = bar.open;
      this.#bar.time = bucket;
      this.#bar.high = bar.high;
      this.#bar.low = bar.low;
      this.#bar.volume = 0;
      this.#published = false;
    } else {
      if (bar.high > this.#bar.high) this.#bar.high = bar.high;
      if (bar.low < this.#bar.low) this.#bar.low = bar.low;
    }
    this.#bar.close = bar.close;
    this.#bar.volume += bar.volume;
    if (bar.time + this.#baseMs >= higherBarEnd(bucket, this.#timeframe)) this.#publish();
    return this.#visible;
  }

  #publish(): void {
    const b = this.#bar;
    b.real = derivedPrice(this.#source, this.#open, b.high, b.low, b.close, b.volume);
    this.#visible.set(this.#indicator.update(b));
    this.#published = true;
  }
}
