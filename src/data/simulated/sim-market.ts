import { type CandleSeries, emptySeries } from "../../domain/candles.js";
import { createRandom } from "../../domain/random.js";
import { timeframeMs } from "../../domain/timeframe.js";
import {
  REGIME_NAMES,
  Regime,
  type RegimeName,
  resolveSimulatedMarketOptions,
  type SimulatedMarketConfig,
  type SimulateMarketOptions,
} from "./sim-market-options.js";

/** A generated market: the candles plus the hidden truth behind them, for tests and for scoring regime detectors. */
export interface SimulatedMarket {
  readonly series: CandleSeries;
  /** The regime (a `Regime` value) each bar was generated in. */
  readonly regimes: Uint8Array;
  /** Indices of the bars that are flash crashes, ascending. */
  readonly crashes: number[];
  /** The resolved options, defaults filled in: record them with a run to reproduce it. */
  readonly config: SimulatedMarketConfig;
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
const HOUR_MS = 3_600_000;
/** A crash bar's in-bar bounce takes at most this share of the total rebound; the rest comes over the next bars. */
const MAX_IN_BAR_BOUNCE = 0.3;
/**
 * Conditional variance is capped at this multiple of the regime's long-run variance (volatility at 3×), and unit
 * shocks at ±8σ: without both, one extreme t draw feeds GARCH, the next draw lands on the inflated variance, and an
 * hourly bar can lose 80 % outside any flash crash. Observed crypto hourly moves outside crashes stay near 20 %.
 */
const MAX_VARIANCE_MULTIPLE = 9;
const MAX_SHOCK = 8;
/** Volume is highest around the US open (14–16 UTC) and lowest in the Asian night, as on the big crypto venues. */
const HOURLY_VOLUME = Array.from({ length: 24 }, (_, hour) => 1 + 0.3 * Math.cos((2 * Math.PI * (hour - 15)) / 24));

/**
 * Generates a realistic OHLCV series, bit-identical for the same options (seed included); needs no network.
 *
 * The model: a Markov chain of regimes (bull, bear, sideways, high volatility) with geometric durations; log returns
 * with the regime's drift plus GARCH(1,1) volatility driven by unit-variance Student-t shocks (fat tails, volatility
 * clustering); high and low drawn from the exact extremes of a Brownian bridge between open and close; flash crashes
 * that drop the low by `flashCrash.minDrop..maxDrop` within one bar, then recover part of the drop over the next
 * bars; volume that rises with volatility and with the size of the bar's move, with a time-of-day pattern for
 * intraday timeframes. Prices are rounded to `tickSize`; each open equals the previous close (no gaps, as on a 24/7
 * market). Throws a RangeError naming each invalid option.
 */
export function simulateMarket(options: SimulateMarketOptions = {}): SimulatedMarket {
  const config = resolveSimulatedMarketOptions(options);
  const { bars, tickSize, baseVolume, startTime, flashCrashProbability } = config;
  // Read once: property loads on the rarely taken crash path would lack type feedback and deoptimise the loop.
  const { minDrop, maxDrop, minRebound, maxRebound, reboundBars, volumeMultiplier } = config.flashCrash;
  const crashVarianceMultiple = config.flashCrash.volatilityMultiplier ** 2;
  const barMs = timeframeMs(config.timeframe);
  const years = barMs / YEAR_MS;

  const regimeCount = REGIME_NAMES.length;
  const drift = new Float64Array(regimeCount);
  const longRunVariance = new Float64Array(regimeCount);
  const omega = new Float64Array(regimeCount);
  const alpha = new Float64Array(regimeCount);
  const beta = new Float64Array(regimeCount);
  const degreesOfFreedom = new Float64Array(regimeCount);
  const shockScale = new Float64Array(regimeCount);
  const leaveProbability = new Float64Array(regimeCount);
  const nextWeight = new Float64Array(regimeCount * regimeCount);
  const nextTotal = new Float64Array(regimeCount);
  const lastPossibleNext = new Int32Array(regimeCount);
  for (let r = 0; r < regimeCount; r++) {
    const regime = config.regimes[REGIME_NAMES[r] as RegimeName];
    drift[r] = regime.annualDrift * years;
    longRunVariance[r] = regime.annualVolatility ** 2 * years;
    omega[r] = (longRunVariance[r] as number) * (1 - regime.garchAlpha - regime.garchBeta);
    alpha[r] = regime.garchAlpha;
    beta[r] = regime.garchBeta;
    degreesOfFreedom[r] = regime.tailDegreesOfFreedom;
    // A t(ν) variate has variance ν/(ν−2); scaling by its inverse root makes GARCH's σ² the actual variance.
    shockScale[r] = Math.sqrt((regime.tailDegreesOfFreedom - 2) / regime.tailDegreesOfFreedom);
    leaveProbability[r] = 1 / regime.meanDurationBars;
    const weights: Partial<Record<RegimeName, number>> = regime.next;
    for (let s = 0; s < regimeCount; s++) {
      const w = s === r ? 0 : (weights[REGIME_NAMES[s] as RegimeName] ?? 0);
      nextWeight[r * regimeCount + s] = w;
      nextTotal[r] = (nextTotal[r] as number) + w;
      if (w > 0) lastPossibleNext[r] = s;
    }
  }
  const referenceVariance = longRunVariance[Regime.Sideways] as number;

  // One stream per concern, so that e.g. a different crash rate leaves the ordinary returns between crashes unchanged.
  const root = createRandom(config.seed);
  const regimeRandom = root.fork("regime");
  const returnRandom = root.fork("returns");
  const wickRandom = root.fork("wicks");
  const volumeRandom = root.fork("volume");
  const crashRandom = root.fork("flash-crash");

  const tickInverse = Math.round(1 / tickSize);
  // Dividing by an integer inverse gives the double nearest the decimal price (30000.01, not 30000.010000000002).
  const exactInverse = Math.abs(1 / tickSize - tickInverse) < 1e-9 * tickInverse;
  const toTick = (price: number): number => {
    const rounded = exactInverse
      ? Math.round(price * tickInverse) / tickInverse
      : Math.round(price / tickSize) * tickSize;
    return Math.max(rounded, tickSize);
  };
  const minimumLogPrice = Math.log(tickSize);
  const intraday = barMs < DAY_MS;

  const series = emptySeries(config.symbol, config.timeframe, bars);
  const { time, open, high, low, close, volume } = series;
  const regimes = new Uint8Array(bars);
  const crashFlags = new Uint8Array(bars);

  let regime: number = REGIME_NAMES.indexOf(config.initialRegime);
  let variance = longRunVariance[regime] as number;
  let previousShock = 0;
  let logPrice = Math.log(config.startPrice);
  let previousClose = toTick(config.startPrice);
  let reboundBarsLeft = 0;
  let reboundPerBar = 0;
  let crashVolumeBoost = 0;

  for (let i = 0; i < bars; i++) {
    const barTime = startTime + i * barMs;
    if (i > 0) {
      if (regimeRandom.next() < (leaveProbability[regime] as number)) {
        const target = regimeRandom.next() * (nextTotal[regime] as number);
        let next = lastPossibleNext[regime] as number;
        let cumulative = 0;
        for (let s = 0; s < regimeCount; s++) {
          cumulative += nextWeight[regime * regimeCount + s] as number;
          if (target < cumulative) {
            next = s;
            break;
          }
        }
        regime = next;
      }
      variance =
        (omega[regime] as number) +
        (alpha[regime] as number) * previousShock * previousShock +
        (beta[regime] as number) * variance;
      const cap = MAX_VARIANCE_MULTIPLE * (longRunVariance[regime] as number);
      if (variance > cap) variance = cap;
    }

    let standardShock = returnRandom.studentT(degreesOfFreedom[regime] as number) * (shockScale[regime] as number);
    if (standardShock > MAX_SHOCK) standardShock = MAX_SHOCK;
    else if (standardShock < -MAX_SHOCK) standardShock = -MAX_SHOCK;
    const shock = Math.sqrt(variance) * standardShock;
    const logOpen = logPrice;
    let logHigh: number;
    let logLow: number;
    let logClose: number;
    let moveSize: number;

    if (crashRandom.next() < flashCrashProbability) {
      const drop = -Math.log(1 - (minDrop + (maxDrop - minDrop) * crashRandom.next()));
      const rebound = drop * (minRebound + (maxRebound - minRebound) * crashRandom.next());
      const bounce = rebound * MAX_IN_BAR_BOUNCE * crashRandom.next();
      logLow = logOpen - drop;
      logClose = logLow + bounce;
      // Only the stretch before the crash can set a high above the open.
      logHigh = logOpen + 0.5 * Math.sqrt(-2 * variance * Math.log(1 - wickRandom.next()));
      reboundBarsLeft = reboundBars;
      reboundPerBar = (rebound - bounce) / reboundBars;
      crashVolumeBoost = volumeMultiplier - 1;
      // The crash itself does not feed GARCH (it would dominate it for weeks); the variance jumps to a set level.
      previousShock = 0;
      const shocked = crashVarianceMultiple * (longRunVariance[regime] as number);
      if (variance < shocked) variance = shocked;
      moveSize = Math.abs(standardShock);
      crashFlags[i] = 1;
    } else {
      let move = (drift[regime] as number) + shock;
      if (reboundBarsLeft > 0) {
        move += reboundPerBar;
        reboundBarsLeft--;
      }
      logClose = logOpen + move;
      // Exact extremes of a Brownian bridge from 0 to `move` with the bar's variance (inverse of P(max > m | move)).
      const squaredMove = move * move;
      logHigh = logOpen + 0.5 * (move + Math.sqrt(squaredMove - 2 * variance * Math.log(1 - wickRandom.next())));
      logLow = logOpen + 0.5 * (move - Math.sqrt(squaredMove - 2 * variance * Math.log(1 - wickRandom.next())));
      previousShock = shock;
      moveSize = Math.abs(standardShock);
    }

    if (logClose < minimumLogPrice) logClose = minimumLogPrice;
    logPrice = logClose;
    const barOpen = previousClose;
    const barClose = toTick(Math.exp(logClose));
    let barHigh = toTick(Math.exp(logHigh));
    let barLow = toTick(Math.exp(logLow));
    const bodyTop = Math.max(barOpen, barClose);
    const bodyBottom = Math.min(barOpen, barClose);
    if (barHigh < bodyTop) barHigh = bodyTop;
    if (barLow > bodyBottom) barLow = bodyBottom;

    let barVolume =
      baseVolume *
      (0.45 + 0.55 * moveSize) *
      // (σ/σ_ref)^0.8 and a mean-one log-normal noise in one exp: Math.pow is several times slower than exp + log.
      Math.exp(0.4 * Math.log(variance / referenceVariance) + 0.45 * volumeRandom.normal() - 0.10125);
    if (intraday) barVolume *= HOURLY_VOLUME[Math.floor((((barTime % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS)] as number;
    if (crashVolumeBoost > 0.01) {
      barVolume *= 1 + crashVolumeBoost;
      crashVolumeBoost *= 0.5;
    }
    barVolume = Math.round(barVolume * 1e8) / 1e8;

    time[i] = barTime;
    open[i] = barOpen;
    high[i] = barHigh;
    low[i] = barLow;
    close[i] = barClose;
    volume[i] = Math.max(barVolume, 1e-8);
    regimes[i] = regime;
    previousClose = barClose;
  }

  const crashes: number[] = [];
  for (let i = 0; i < bars; i++) if (crashFlags[i] === 1) crashes.push(i);
  return { series, regimes, crashes, config };
}
