import { REGIME_CODE, REGIME_WARMUP, type RegimeOptions } from "./regime-config.js";
import { RollingPercentile } from "./rolling-percentile.js";

/** The indicator values of one bar that the regime rules read; NaN while an indicator warms up. */
export interface RegimeInputs {
  close: number;
  adx: number;
  /** Moving average of the close. */
  ma: number;
  /** Bollinger band width (upper − lower) / middle. */
  bandwidth: number;
  /** Standard deviation of per-bar log returns. */
  volatility: number;
  /** Highest close of the drawdown lookback. */
  peak: number;
  /** Return over the return lookback as a fraction (-0.05 = −5 %). */
  change: number;
}

/**
 * The rules that turn one bar's indicator values into a regime code, plus the state they need (the percentile
 * windows and the previous code). Batch and streaming detection both feed it, bar by bar, so their output is
 * identical by construction once their indicator values are (the indicators guarantee that).
 *
 * Precedence, first match wins:
 * 1. crash: drawdown from the lookback's highest close > crashDrawdown AND return over the return lookback <
 *    crashReturn;
 * 2. highVolatility: volatility > the highVolatilityPercentile-th percentile of the previous percentileWindow bars;
 * 3. bull / bear: ADX > trendAdx and close above / below the MA;
 * 4. sideways: ADX < rangeAdx and band width <= the tightBandPercentile-th percentile of the previous window;
 * 5. otherwise (the ADX band between rangeAdx and trendAdx, a low ADX with wide bands, close exactly on the MA):
 *    with holdTrend, the previous bar's bull (bear) continues while the close stays above (below) the MA, so a
 *    trend does not flicker at the ADX threshold; everything else is sideways.
 * -1 until every indicator has a value and both percentile windows are full.
 */
export class RegimeClassifier {
  readonly #options: RegimeOptions;
  readonly #volatility: RollingPercentile;
  readonly #bandwidth: RollingPercentile;
  #previous: number = REGIME_WARMUP;

  constructor(options: RegimeOptions) {
    this.#options = options;
    this.#volatility = new RollingPercentile(options.percentileWindow);
    this.#bandwidth = new RollingPercentile(options.percentileWindow);
  }

  /** The code of a bar; `commit` false answers without changing any state (a forming bar). */
  classify(x: RegimeInputs, commit = true): number {
    const o = this.#options;
    const ready = this.#volatility.full && this.#bandwidth.full;
    // Thresholds come from earlier bars only: read them before this bar's values join the windows.
    const volatilityLimit = ready ? this.#volatility.percentile(o.highVolatilityPercentile) : Number.NaN;
    const tightLimit = ready ? this.#bandwidth.percentile(o.tightBandPercentile) : Number.NaN;
    if (commit) {
      if (!Number.isNaN(x.volatility)) this.#volatility.push(x.volatility);
      if (!Number.isNaN(x.bandwidth)) this.#bandwidth.push(x.bandwidth);
    }
    let code: number = REGIME_WARMUP;
    if (
      ready &&
      !Number.isNaN(x.close) &&
      !Number.isNaN(x.adx) &&
      !Number.isNaN(x.ma) &&
      !Number.isNaN(x.bandwidth) &&
      !Number.isNaN(x.volatility) &&
      !Number.isNaN(x.peak) &&
      !Number.isNaN(x.change)
    ) {
      code = this.#rules(x, volatilityLimit, tightLimit);
    }
    if (commit) this.#previous = code;
    return code;
  }

  reset(): void {
    this.#volatility.reset();
    this.#bandwidth.reset();
    this.#previous = REGIME_WARMUP;
  }

  #rules(x: RegimeInputs, volatilityLimit: number, tightLimit: number): number {
    const o = this.#options;
    const drawdown = x.peak > 0 ? 1 - x.close / x.peak : 0;
    if (drawdown > o.crashDrawdown && x.change < o.crashReturn) return REGIME_CODE.crash;
    if (x.volatility > volatilityLimit) return REGIME_CODE.highVolatility;
    if (x.adx > o.trendAdx) {
      if (x.close > x.ma) return REGIME_CODE.bull;
      if (x.close < x.ma) return REGIME_CODE.bear;
    }
    if (x.adx < o.rangeAdx && x.bandwidth <= tightLimit) return REGIME_CODE.sideways;
    if (o.holdTrend) {
      if (this.#previous === REGIME_CODE.bull && x.close > x.ma) return REGIME_CODE.bull;
      if (this.#previous === REGIME_CODE.bear && x.close < x.ma) return REGIME_CODE.bear;
    }
    return REGIME_CODE.sideways;
  }
}
