import type { CandleSeries } from "../../domain/candles.js";
import { MARKET_FEATURES, type MarketFeature } from "../features/feature-names.js";
import { type FeatureBar, MarketFeatureStream } from "../features/market-feature-stream.js";

/**
 * Bars replayed to compute the features of one bar from scratch: enough for the longest indicator (EMA 50, the 24 h
 * change of 1 h bars) to be ready, and for EMAs to forget their seed (after 300 bars an EMA 50 keeps e^-12 of it).
 */
export const SNAPSHOT_BARS = 300;

/** The candle features (MARKET_FEATURES order) of the bar `ago = 0` of `bar`, from that bar and earlier ones only. */
export function featuresAt(bar: (ago: number) => FeatureBar | undefined, barMs: number): Float64Array {
  const stream = new MarketFeatureStream(barMs);
  const out = new Float64Array(MARKET_FEATURES.length).fill(Number.NaN);
  for (let ago = SNAPSHOT_BARS; ago >= 0; ago--) {
    const b = bar(ago);
    if (b !== undefined) stream.update(b, out);
  }
  return out;
}

/** The features of bar `index` of a series (bars ≤ index only); all NaN when the index is outside it. */
export function seriesFeaturesAt(series: CandleSeries, index: number, barMs: number): Float64Array {
  return featuresAt((ago) => {
    const i = index - ago;
    if (i < 0 || i >= series.length) return undefined;
    return {
      time: series.time[i] as number,
      high: series.high[i] as number,
      low: series.low[i] as number,
      close: series.close[i] as number,
      volume: series.volume[i] as number,
    };
  }, barMs);
}

/** A feature row as the learning tables keep it: named, finite values only (JSON has no NaN). */
export function featureRecord(row: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let c = 0; c < MARKET_FEATURES.length; c++) {
    const value = row[c] as number;
    if (Number.isFinite(value)) out[MARKET_FEATURES[c] as MarketFeature] = value;
  }
  return out;
}

/** Back from a stored record to a row (a feature missing from the record is NaN). */
export function featureRow(record: Readonly<Record<string, number>>): Float64Array {
  return Float64Array.from(MARKET_FEATURES, (name) => {
    const value = record[name];
    return typeof value === "number" && Number.isFinite(value) ? value : Number.NaN;
  });
}
