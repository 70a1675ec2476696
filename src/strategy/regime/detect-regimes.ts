import { AdxStream, adx } from "../../indicators/adx.js";
import { BbandsStream, bbands } from "../../indicators/bbands.js";
import { MaxStream, max } from "../../indicators/min-max.js";
import { RocStream, roc } from "../../indicators/roc.js";
import { SmaStream, sma } from "../../indicators/sma.js";
import type { HighLowClose } from "../../indicators/talib-conventions.js";
import type { Numbers, StreamingIndicator } from "../../indicators/types.js";
import { toFloat64 } from "../../indicators/types.js";
import { LogReturnVolatilityStream, logReturnVolatility } from "../../indicators/volatility.js";
import { RegimeClassifier, type RegimeInputs } from "./regime-classifier.js";
import { type RegimeOptions, resolveRegimeOptions } from "./regime-config.js";

/** The price columns the detector reads. */
export interface RegimeSeries {
  readonly high: Numbers;
  readonly low: Numbers;
  readonly close: Numbers;
}

/**
 * Classifies every bar of a series into a market regime (see RegimeClassifier for the rules and their
 * precedence). Returns one code per bar: an index into REGIMES of src/risk/market-snapshot.ts (0 bull, 1 bear,
 * 2 crash, 3 sideways, 4 highVolatility), -1 during warm-up. Causal: the code of bar i depends on bars 0..i only,
 * and equals what {@link RegimeStream} returns when fed the same bars one at a time.
 */
export function detectRegimes(series: RegimeSeries, options: Partial<RegimeOptions> = {}): Int8Array {
  const o = resolveRegimeOptions(options);
  const high = toFloat64(series.high);
  const low = toFloat64(series.low);
  const close = toFloat64(series.close);
  if (high.length !== close.length || low.length !== close.length) {
    throw new RangeError(
      `detectRegimes: high, low and close must have the same length (got ${high.length}, ${low.length}, ${close.length})`,
    );
  }
  const adxValues = adx(high, low, close, o.adxPeriod);
  const ma = sma(close, o.maPeriod);
  const bands = bbands(close, o.bollingerPeriod, o.bollingerDeviations, o.bollingerDeviations);
  const volatility = logReturnVolatility(close, o.volatilityPeriod);
  const peak = max(close, o.drawdownLookback);
  const change = roc(close, o.returnLookback);
  const classifier = new RegimeClassifier(o);
  const out = new Int8Array(close.length);
  const x: RegimeInputs = { close: 0, adx: 0, ma: 0, bandwidth: 0, volatility: 0, peak: 0, change: 0 };
  for (let i = 0; i < close.length; i++) {
    x.close = close[i] as number;
    x.adx = adxValues[i] as number;
    x.ma = ma[i] as number;
    x.bandwidth = bandwidthOf(bands.upper[i] as number, bands.middle[i] as number, bands.lower[i] as number);
    x.volatility = volatility[i] as number;
    x.peak = peak[i] as number;
    x.change = (change[i] as number) / 100;
    out[i] = classifier.classify(x);
  }
  return out;
}

/** {@link detectRegimes} as a Float64Array column (what the strategy indicator catalog stores). */
export function regimeColumn(high: Numbers, low: Numbers, close: Numbers, options: Partial<RegimeOptions> = {}) {
  return Float64Array.from(detectRegimes({ high, low, close }, options));
}

/**
 * Streaming regime detection for live and paper trading: `update(bar)` returns the code of that closed bar, equal
 * to {@link detectRegimes} at the same index; `peek(bar)` the code a forming bar would get, without changing state.
 */
export class RegimeStream implements StreamingIndicator<HighLowClose, number> {
  readonly options: RegimeOptions;
  readonly #adx: AdxStream;
  readonly #ma: SmaStream;
  readonly #bands: BbandsStream;
  readonly #volatility: LogReturnVolatilityStream;
  readonly #peak: MaxStream;
  readonly #change: RocStream;
  readonly #classifier: RegimeClassifier;
  readonly #inputs: RegimeInputs = { close: 0, adx: 0, ma: 0, bandwidth: 0, volatility: 0, peak: 0, change: 0 };

  constructor(options: Partial<RegimeOptions> = {}) {
    const o = resolveRegimeOptions(options);
    this.options = o;
    this.#adx = new AdxStream(o.adxPeriod);
    this.#ma = new SmaStream(o.maPeriod);
    this.#bands = new BbandsStream(o.bollingerPeriod, o.bollingerDeviations, o.bollingerDeviations);
    this.#volatility = new LogReturnVolatilityStream(o.volatilityPeriod);
    this.#peak = new MaxStream(o.drawdownLookback);
    this.#change = new RocStream(o.returnLookback);
    this.#classifier = new RegimeClassifier(o);
  }

  update(bar: HighLowClose): number {
    const x = this.#inputs;
    const close = bar.close;
    const bands = this.#bands.update(close);
    x.close = close;
    x.adx = this.#adx.update(bar).adx;
    x.ma = this.#ma.update(close);
    x.bandwidth = bandwidthOf(bands.upper, bands.middle, bands.lower);
    x.volatility = this.#volatility.update(close);
    x.peak = this.#peak.update(close);
    x.change = this.#change.update(close) / 100;
    return this.#classifier.classify(x, true);
  }

  peek(bar: HighLowClose): number {
    const close = bar.close;
    const bands = this.#bands.peek(close);
    return this.#classifier.classify(
      {
        close,
        adx: this.#adx.peek(bar).adx,
        ma: this.#ma.peek(close),
        bandwidth: bandwidthOf(bands.upper, bands.middle, bands.lower),
        volatility: this.#volatility.peek(close),
        peak: this.#peak.peek(close),
        change: this.#change.peek(close) / 100,
      },
      false,
    );
  }

  reset(): void {
    this.#adx.reset();
    this.#ma.reset();
    this.#bands.reset();
    this.#volatility.reset();
    this.#peak.reset();
    this.#change.reset();
    this.#classifier.reset();
  }
}

function bandwidthOf(upper: number, middle: number, lower: number): number {
  return middle > 0 ? (upper - lower) / middle : Number.NaN;
}
