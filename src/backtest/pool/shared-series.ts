import type { CandleSeries } from "../../domain/candles.js";
import type { Timeframe } from "../../domain/timeframe.js";

/** A candle series whose six columns live in one SharedArrayBuffer: worker threads read it without a copy. */
export interface SharedSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe | undefined;
  readonly length: number;
  /** time, open, high, low, close, volume, each `length` float64 values, in that order. */
  readonly buffer: SharedArrayBuffer;
}

const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

/** Copies a series once into shared memory (48 bytes a bar: 65k bars are 3 MB, shared by every worker). */
export function shareSeries(series: CandleSeries): SharedSeries {
  const n = series.length;
  const buffer = new SharedArrayBuffer(COLUMNS.length * n * Float64Array.BYTES_PER_ELEMENT);
  COLUMNS.forEach((column, k) => {
    new Float64Array(buffer, k * n * Float64Array.BYTES_PER_ELEMENT, n).set(series[column].subarray(0, n));
  });
  return { symbol: series.symbol, timeframe: series.timeframe, length: n, buffer };
}

/** A CandleSeries whose columns are views on the shared buffer (no copy). */
export function seriesFromShared(shared: SharedSeries): CandleSeries {
  const n = shared.length;
  const view = (k: number): Float64Array => new Float64Array(shared.buffer, k * n * Float64Array.BYTES_PER_ELEMENT, n);
  return {
    symbol: shared.symbol,
    timeframe: shared.timeframe,
    time: view(0),
    open: view(1),
    high: view(2),
    low: view(3),
    close: view(4),
    volume: view(5),
    length: n,
  };
}
