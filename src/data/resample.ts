import type { CandleSeries } from "../domain/candles.js";
import { bucketStart, type Timeframe, timeframeMs } from "../domain/timeframe.js";
import { isoTime } from "./data-error.js";
import { isBarExpected, type SessionCalendar } from "./gaps.js";
import { inferTimeframe } from "./infer-timeframe.js";

export interface ResampleOptions {
  /** With "weekdays", a bucket whose remaining source slots all fall on a weekend counts as complete. */
  readonly calendar?: SessionCalendar;
}

export interface ResampledSeries {
  readonly series: CandleSeries;
  /**
   * Whether the last bucket holds its final source bar. The last bucket is always included; when this is false it
   * is still forming (e.g. a daily bar built from 1h data that ends at 14:00) and a backtest must not treat its
   * close as final.
   */
  readonly lastBucketComplete: boolean;
  /** Source bars that went into each output bar; fewer than `barsPerBucket` means gaps or a partial bucket. */
  readonly sourceBars: Int32Array;
  /** Source bars in a full bucket (target length / source length). */
  readonly barsPerBucket: number;
}

/**
 * Aggregates bars into a higher timeframe: first open, highest high, lowest low, last close, summed volume per
 * bucket, buckets as `bucketStart` defines them (epoch-aligned; weekly from Monday 00:00 UTC). The source timeframe
 * is the series' own or inferred. The target must be a whole multiple of it; the same timeframe returns the input.
 * Throws on a lower or non-multiple target and on unsorted input (validate it first).
 */
export function resample(series: CandleSeries, timeframe: Timeframe, options: ResampleOptions = {}): ResampledSeries {
  const targetMs = timeframeMs(timeframe);
  const sourceTimeframe = series.timeframe ?? inferTimeframe(series);
  if (sourceTimeframe === undefined) {
    throw new RangeError(
      `cannot resample ${series.symbol} to ${timeframe}: its timeframe is unknown and cannot be inferred`,
    );
  }
  const sourceMs = timeframeMs(sourceTimeframe);
  if (targetMs < sourceMs) {
    throw new RangeError(
      `cannot resample ${series.symbol} from ${sourceTimeframe} to the lower timeframe ${timeframe}: resampling only aggregates`,
    );
  }
  if (targetMs % sourceMs !== 0) {
    throw new RangeError(
      `cannot resample ${series.symbol} from ${sourceTimeframe} to ${timeframe}: ${timeframe} is not a whole multiple of ${sourceTimeframe}`,
    );
  }
  const barsPerBucket = targetMs / sourceMs;
  const n = series.length;
  if (targetMs === sourceMs) {
    const withTimeframe = series.timeframe === sourceTimeframe ? series : { ...series, timeframe: sourceTimeframe };
    return { series: withTimeframe, lastBucketComplete: true, sourceBars: new Int32Array(n).fill(1), barsPerBucket };
  }

  const { time, open, high, low, close, volume } = series;
  const out = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const sourceBars = new Int32Array(n);
  let k = -1;
  let current = Number.NaN;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (i > 0 && !(t > (time[i - 1] as number))) {
      throw new RangeError(
        `cannot resample ${series.symbol}: bar ${i} (${isoTime(t)}) is not after bar ${i - 1} (${isoTime(time[i - 1] as number)}); validate the series first`,
      );
    }
    const bucket = bucketStart(t, timeframe);
    if (bucket !== current) {
      current = bucket;
      k++;
      out.time[k] = bucket;
      out.open[k] = open[i] as number;
      out.high[k] = high[i] as number;
      out.low[k] = low[i] as number;
      out.volume[k] = 0;
    } else {
      if ((high[i] as number) > (out.high[k] as number)) out.high[k] = high[i] as number;
      if ((low[i] as number) < (out.low[k] as number)) out.low[k] = low[i] as number;
    }
    out.close[k] = close[i] as number;
    out.volume[k] = (out.volume[k] as number) + (volume[i] as number);
    sourceBars[k] = (sourceBars[k] as number) + 1;
  }
  const length = k + 1;
  const cut = (column: Float64Array) => column.slice(0, length);
  const resampled: CandleSeries = {
    symbol: series.symbol,
    timeframe,
    time: cut(out.time),
    open: cut(out.open),
    high: cut(out.high),
    low: cut(out.low),
    close: cut(out.close),
    volume: cut(out.volume),
    length,
  };
  const lastBucketComplete =
    n === 0 || (time[n - 1] as number) >= lastExpectedSlot(current, targetMs, sourceMs, options.calendar ?? "24/7");
  return { series: resampled, lastBucketComplete, sourceBars: sourceBars.slice(0, length), barsPerBucket };
}

/** Open time of the last source bar a bucket should contain: slots the calendar does not expect are skipped. */
function lastExpectedSlot(bucket: number, targetMs: number, sourceMs: number, calendar: SessionCalendar): number {
  let slot = bucket + targetMs - sourceMs;
  if (calendar !== "24/7") {
    while (slot > bucket && !isBarExpected(calendar, slot, sourceMs)) slot -= sourceMs;
  }
  return slot;
}
