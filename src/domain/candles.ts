import type { Timeframe } from "./timeframe.js";

/**
 * A columnar OHLCV series: one typed array per field, all of the same length.
 * Columnar because indicators and the backtester walk one field at a time; typed arrays keep that cache-friendly
 * and free of per-bar objects. `time` is the bar's open time in Unix milliseconds (UTC), ascending.
 */
export interface CandleSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe | undefined;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
}

/** One bar as a plain object, for streaming paths and tests; the batch path never materialises these. */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function emptySeries(symbol: string, timeframe: Timeframe | undefined, length: number): CandleSeries {
  return {
    symbol,
    timeframe,
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    length,
  };
}

export function seriesFromCandles(
  symbol: string,
  timeframe: Timeframe | undefined,
  candles: readonly Candle[],
): CandleSeries {
  const series = emptySeries(symbol, timeframe, candles.length);
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i] as Candle;
    series.time[i] = c.time;
    series.open[i] = c.open;
    series.high[i] = c.high;
    series.low[i] = c.low;
    series.close[i] = c.close;
    series.volume[i] = c.volume;
  }
  return series;
}

export function candleAt(series: CandleSeries, index: number): Candle {
  if (index < 0 || index >= series.length) throw new RangeError(`bar ${index} is outside 0..${series.length - 1}`);
  return {
    time: series.time[index] as number,
    open: series.open[index] as number,
    high: series.high[index] as number,
    low: series.low[index] as number,
    close: series.close[index] as number,
    volume: series.volume[index] as number,
  };
}

/** Bars [start, end) as a view sharing memory with `series` (no copy). */
export function sliceSeries(series: CandleSeries, start: number, end: number): CandleSeries {
  const s = Math.max(0, start);
  const e = Math.min(series.length, end);
  const n = Math.max(0, e - s);
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    time: series.time.subarray(s, s + n),
    open: series.open.subarray(s, s + n),
    high: series.high.subarray(s, s + n),
    low: series.low.subarray(s, s + n),
    close: series.close.subarray(s, s + n),
    volume: series.volume.subarray(s, s + n),
    length: n,
  };
}

/** Index of the first bar whose time is >= `timeMs` (binary search); `series.length` when none. */
export function lowerBound(series: CandleSeries, timeMs: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series.time[mid] as number) < timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
