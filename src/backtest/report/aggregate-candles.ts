import type { CandleSeries } from "../../domain/candles.js";

/** Candles as the chart draws them: `barsPerCandle` consecutive bars merged into one (1 = the bars themselves). */
export interface ChartCandles {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly barsPerCandle: number;
}

/**
 * Merges runs of consecutive bars so that at most `maxCandles` remain: open of the first, highest high, lowest
 * low, close of the last, time of the first. A 4 M-bar run drawn bar by bar made a 112 MB page that took 37 s to
 * open; merged, every spike still shows (the high and low are kept) in a page of a few MB.
 */
export function aggregateCandles(series: CandleSeries, maxCandles: number): ChartCandles {
  if (!Number.isInteger(maxCandles) || maxCandles < 1) {
    throw new RangeError(`maxCandles must be a positive integer, got ${maxCandles}`);
  }
  const n = series.length;
  const per = Math.max(1, Math.ceil(n / maxCandles));
  if (per === 1) {
    return {
      time: series.time,
      open: series.open,
      high: series.high,
      low: series.low,
      close: series.close,
      barsPerCandle: 1,
    };
  }
  const m = Math.ceil(n / per);
  const out = {
    time: new Float64Array(m),
    open: new Float64Array(m),
    high: new Float64Array(m),
    low: new Float64Array(m),
    close: new Float64Array(m),
    barsPerCandle: per,
  };
  for (let k = 0; k < m; k++) {
    const start = k * per;
    const end = Math.min(n, start + per);
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    for (let i = start; i < end; i++) {
      if (series.high[i]! > high) high = series.high[i]!;
      if (series.low[i]! < low) low = series.low[i]!;
    }
    out.time[k] = series.time[start]!;
    out.open[k] = series.open[start]!;
    out.high[k] = high;
    out.low[k] = low;
    out.close[k] = series.close[end - 1]!;
  }
  return out;
}

/** A per-bar column sampled like the candles: the value at the last bar each candle merges. */
export function sampleLikeCandles(values: Float64Array, barsPerCandle: number): Float64Array {
  if (barsPerCandle === 1) return values;
  const m = Math.ceil(values.length / barsPerCandle);
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) out[k] = values[Math.min(values.length, (k + 1) * barsPerCandle) - 1]!;
  return out;
}
