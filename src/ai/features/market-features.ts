/**
 * The candle-derived features, batch over whole columns. Every column is built from causal indicators
 * (src/indicators: TA-Lib conventions, value at bar t from bars ≤ t) and lags of the close, so row t never reads a
 * later bar. Prices enter only as ratios, so a model trained on BTC at 10,000 also reads BTC at 100,000.
 */
import { adx } from "../../indicators/adx.js";
import { atr } from "../../indicators/atr.js";
import { bbands } from "../../indicators/bbands.js";
import { ema } from "../../indicators/ema.js";
import { macd } from "../../indicators/macd.js";
import { rsi } from "../../indicators/rsi.js";
import { logReturnVolatility } from "../../indicators/volatility.js";
import { volumeRatio } from "../../indicators/volume-ratio.js";
import { vwap } from "../../indicators/vwap.js";
import type { MarketFeature } from "./feature-names.js";

/** The candle columns the pipeline reads (a CandleSeries fits). `time` is each bar's open time, Unix ms. */
export interface FeatureCandles {
  readonly time: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

const HOUR_MS = 3_600_000;

/** Periods in bars, fixed by FEATURE_PIPELINE_VERSION (they are the seeds' usual settings). */
export const MARKET_FEATURE_PERIODS = {
  rsi: 14,
  atr: 14,
  adx: 14,
  bollinger: 20,
  vwap: 20,
  volumeAverage: 20,
  volatilityShort: 10,
  volatilityLong: 50,
  /** volatility_ratio above this sets high_volatility. */
  highVolatilityRatio: 1.5,
} as const;

/** Bars in `hours` hours at this bar length (at least 1), so "1h change" means an hour on any timeframe. */
export function barsIn(hours: number, barMs: number): number {
  return Math.max(1, Math.round((hours * HOUR_MS) / barMs));
}

function ratioMinusOne(numerator: Float64Array, denominator: Float64Array): Float64Array {
  const out = new Float64Array(numerator.length);
  for (let i = 0; i < out.length; i++) out[i] = (numerator[i] as number) / (denominator[i] as number) - 1;
  return out;
}

function change(close: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(close.length).fill(Number.NaN);
  for (let i = lag; i < close.length; i++) out[i] = (close[i] as number) / (close[i - lag] as number) - 1;
  return out;
}

function map(length: number, at: (i: number) => number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = at(i);
  return out;
}

/** NaN stays NaN (warm-up), otherwise -1, 0 or +1. */
function sign(value: number): number {
  return Number.isNaN(value) ? Number.NaN : Math.sign(value);
}

/** All candle-derived feature columns, each of the candles' length, NaN during its warm-up. */
export function computeMarketFeatures(candles: FeatureCandles, barMs: number): Record<MarketFeature, Float64Array> {
  const { high, low, close, volume } = candles;
  const n = close.length;
  const p = MARKET_FEATURE_PERIODS;
  const ema9 = ema(close, 9);
  const ema20 = ema(close, 20);
  const ema50 = ema(close, 50);
  const rsiScaled = rsi(close, p.rsi).map((v) => v / 100);
  const m = macd(close, 12, 26, 9);
  const bands = bbands(close, p.bollinger, 2, 2);
  const atrValues = atr(high, low, close, p.atr);
  const adxValues = adx(high, low, close, p.adx);
  const volShort = logReturnVolatility(close, p.volatilityShort);
  const volLong = logReturnVolatility(close, p.volatilityLong);
  const volatilityRatio = map(n, (i) => (volShort[i] as number) / (volLong[i] as number));

  return {
    price_change_1h: change(close, barsIn(1, barMs)),
    price_change_4h: change(close, barsIn(4, barMs)),
    price_change_24h: change(close, barsIn(24, barMs)),
    price_vs_ema20: ratioMinusOne(close, ema20),
    price_vs_ema50: ratioMinusOne(close, ema50),
    price_vs_vwap: ratioMinusOne(close, vwap(high, low, close, volume, p.vwap)),
    rsi: rsiScaled,
    rsi_change: map(n, (i) => (i === 0 ? Number.NaN : (rsiScaled[i] as number) - (rsiScaled[i - 1] as number))),
    macd_hist: map(n, (i) => (m.histogram[i] as number) / (close[i] as number)),
    macd_signal_cross: map(n, (i) => {
      if (i === 0) return Number.NaN;
      const now = (m.macd[i] as number) - (m.signal[i] as number);
      const before = (m.macd[i - 1] as number) - (m.signal[i - 1] as number);
      if (Number.isNaN(now) || Number.isNaN(before)) return Number.NaN;
      if (now > 0 && before <= 0) return 1;
      if (now < 0 && before >= 0) return -1;
      return 0;
    }),
    momentum_5: change(close, 5),
    momentum_20: change(close, 20),
    atr_ratio: map(n, (i) => (atrValues[i] as number) / (close[i] as number)),
    bb_position: map(n, (i) => {
      const width = (bands.upper[i] as number) - (bands.lower[i] as number);
      // A flat window has no band: the close sits in the middle, not at a division by zero.
      return width > 0 ? ((close[i] as number) - (bands.lower[i] as number)) / width : width === 0 ? 0.5 : Number.NaN;
    }),
    bb_width: map(n, (i) => ((bands.upper[i] as number) - (bands.lower[i] as number)) / (bands.middle[i] as number)),
    volatility_ratio: volatilityRatio,
    high_volatility: map(n, (i) => {
      const ratio = volatilityRatio[i] as number;
      return Number.isNaN(ratio) ? Number.NaN : ratio > p.highVolatilityRatio ? 1 : 0;
    }),
    adx: adxValues.map((v) => v / 100),
    trend_direction: map(n, (i) => sign((ema20[i] as number) - (ema50[i] as number))),
    trend_strength: map(n, (i) => Math.abs((ema20[i] as number) / (ema50[i] as number) - 1)),
    ema_alignment: map(n, (i) => {
      const [fast, mid, slow] = [ema9[i] as number, ema20[i] as number, ema50[i] as number];
      if (Number.isNaN(fast) || Number.isNaN(mid) || Number.isNaN(slow)) return Number.NaN;
      if (fast > mid && mid > slow) return 1;
      if (fast < mid && mid < slow) return -1;
      return 0;
    }),
    volume_ratio: volumeRatio(volume, p.volumeAverage),
  };
}
