/**
 * The candle-derived features one closed bar at a time, from the streaming forms of the same indicators, so a
 * live or backtest strategy pays microseconds per bar instead of recomputing a window. Equal to
 * `computeMarketFeatures` row for row (checked in market-feature-stream.test.ts), which is what the models were
 * trained on.
 */
import { AdxStream } from "../../indicators/adx.js";
import { AtrStream } from "../../indicators/atr.js";
import { BbandsStream } from "../../indicators/bbands.js";
import { EmaStream } from "../../indicators/ema.js";
import { MacdStream } from "../../indicators/macd.js";
import { RsiStream } from "../../indicators/rsi.js";
import { LogReturnVolatilityStream } from "../../indicators/volatility.js";
import { VolumeRatioStream } from "../../indicators/volume-ratio.js";
import { VwapStream } from "../../indicators/vwap.js";
import { MARKET_FEATURES, type MarketFeature } from "./feature-names.js";
import { barsIn, MARKET_FEATURE_PERIODS } from "./market-features.js";

export interface FeatureBar {
  readonly time: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export class MarketFeatureStream {
  readonly #p = MARKET_FEATURE_PERIODS;
  readonly #ema9 = new EmaStream(9);
  readonly #ema20 = new EmaStream(20);
  readonly #ema50 = new EmaStream(50);
  readonly #rsi = new RsiStream(this.#p.rsi);
  readonly #macd = new MacdStream(12, 26, 9);
  readonly #bands = new BbandsStream(this.#p.bollinger, 2, 2);
  readonly #atr = new AtrStream(this.#p.atr);
  readonly #adx = new AdxStream(this.#p.adx);
  readonly #vwap = new VwapStream(this.#p.vwap);
  readonly #volShort = new LogReturnVolatilityStream(this.#p.volatilityShort);
  readonly #volLong = new LogReturnVolatilityStream(this.#p.volatilityLong);
  readonly #volumeRatio = new VolumeRatioStream(this.#p.volumeAverage);
  readonly #lags: [number, number, number];
  /** The last closes, newest last, as many as the longest lag needs. */
  readonly #closes: number[] = [];
  readonly #keep: number;
  #previousRsi = Number.NaN;
  #previousMacdGap = Number.NaN;
  #bars = 0;

  constructor(barMs: number) {
    this.#lags = [barsIn(1, barMs), barsIn(4, barMs), barsIn(24, barMs)];
    this.#keep = Math.max(...this.#lags, 20) + 1;
  }

  #change(lag: number): number {
    const n = this.#closes.length;
    return n > lag ? (this.#closes[n - 1] as number) / (this.#closes[n - 1 - lag] as number) - 1 : Number.NaN;
  }

  /** Adds a closed bar; returns its features in MARKET_FEATURES order (written into `out` when given). */
  update(bar: FeatureBar, out: Float64Array = new Float64Array(MARKET_FEATURES.length)): Float64Array {
    const { close } = bar;
    this.#closes.push(close);
    if (this.#closes.length > this.#keep) this.#closes.shift();
    const first = this.#bars++ === 0;
    const ema9 = this.#ema9.update(close);
    const ema20 = this.#ema20.update(close);
    const ema50 = this.#ema50.update(close);
    const rsi = this.#rsi.update(close) / 100;
    const m = this.#macd.update(close);
    const bands = this.#bands.update(close);
    const atr = this.#atr.update(bar);
    const adx = this.#adx.update(bar).adx;
    const vwap = this.#vwap.update(bar);
    const volatilityRatio = this.#volShort.update(close) / this.#volLong.update(close);
    const gap = m.macd - m.signal;
    const width = bands.upper - bands.lower;
    let cross = Number.NaN;
    if (!first && !Number.isNaN(gap) && !Number.isNaN(this.#previousMacdGap)) {
      cross = gap > 0 && this.#previousMacdGap <= 0 ? 1 : gap < 0 && this.#previousMacdGap >= 0 ? -1 : 0;
    }
    let alignment = Number.NaN;
    if (!Number.isNaN(ema9) && !Number.isNaN(ema20) && !Number.isNaN(ema50)) {
      alignment = ema9 > ema20 && ema20 > ema50 ? 1 : ema9 < ema20 && ema20 < ema50 ? -1 : 0;
    }
    const values: Record<MarketFeature, number> = {
      price_change_1h: this.#change(this.#lags[0]),
      price_change_4h: this.#change(this.#lags[1]),
      price_change_24h: this.#change(this.#lags[2]),
      price_vs_ema20: close / ema20 - 1,
      price_vs_ema50: close / ema50 - 1,
      price_vs_vwap: close / vwap - 1,
      rsi,
      rsi_change: first ? Number.NaN : rsi - this.#previousRsi,
      macd_hist: m.histogram / close,
      macd_signal_cross: cross,
      momentum_5: this.#change(5),
      momentum_20: this.#change(20),
      atr_ratio: atr / close,
      bb_position: width > 0 ? (close - bands.lower) / width : width === 0 ? 0.5 : Number.NaN,
      bb_width: width / bands.middle,
      volatility_ratio: volatilityRatio,
      high_volatility: Number.isNaN(volatilityRatio)
        ? Number.NaN
        : volatilityRatio > MARKET_FEATURE_PERIODS.highVolatilityRatio
          ? 1
          : 0,
      adx: adx / 100,
      trend_direction: Number.isNaN(ema20 - ema50) ? Number.NaN : Math.sign(ema20 - ema50),
      trend_strength: Math.abs(ema20 / ema50 - 1),
      ema_alignment: alignment,
      volume_ratio: this.#volumeRatio.update(bar.volume),
    };
    this.#previousRsi = rsi;
    this.#previousMacdGap = gap;
    for (let c = 0; c < MARKET_FEATURES.length; c++) out[c] = values[MARKET_FEATURES[c] as MarketFeature];
    return out;
  }
}
