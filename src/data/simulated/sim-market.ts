import { type CandleSeries, emptySeries } from "../../domain/candles.js";
import { timeframeMs } from "../../domain/timeframe.js";
import { allocateDraws, type BarDraws, DrawStream, MAX_SHOCK } from "./draw-stream.js";
import { regimeShares } from "./regime-chain.js";
import {
  REGIME_NAMES,
  Regime,
  type RegimeName,
  resolveSimulatedMarketOptions,
  type SimulatedMarketConfig,
  type SimulateMarketOptions,
} from "./sim-market-options.js";
import { seasonalVarianceTable, seasonIndex } from "./volatility-shape.js";

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
const WEEK_MS = 7 * DAY_MS;
/**
 * Conditional variance is capped at this multiple of the regime's long-run variance (volatility at 6×), and unit
 * shocks at ±8σ: without both, one extreme t draw feeds GARCH, the next draw lands on the inflated variance, and an
 * hourly bar can lose 80 % outside any flash crash. Observed crypto hourly moves outside crashes stay near 20 %.
 */
const MAX_VARIANCE_MULTIPLE = 36;
/**
 * The price floor, as a fraction of the start price; closes reflect off it. With the anchor it lies ~6 standard
 * deviations of the long-run log price below the start, so it bounds the path without ever shaping it.
 */
const FLOOR_FRACTION = 1e-3;
/** Volume is highest around the US open (14–16 UTC) and lowest in the Asian night, as on the big crypto venues. */
const HOURLY_VOLUME = Array.from({ length: 24 }, (_, hour) => 1 + 0.3 * Math.cos((2 * Math.PI * (hour - 15)) / 24));

/**
 * Generates a realistic OHLCV series, bit-identical for the same options (seed included); needs no network.
 *
 * The model: a Markov chain of regimes (bull, bear, sideways, high volatility) with geometric durations; log returns
 * with the regime's drift plus unit-variance Student-t shocks (fat tails) scaled by a volatility made of the regime's
 * level × a GARCH(1,1) fast component × slow log-volatility factors (volatility clustering that lasts weeks) × an
 * intraday and weekly pattern; high and low drawn from the exact extremes of a Brownian bridge between open and close;
 * flash crashes that drop the low by `flashCrash.minDrop..maxDrop` within one bar, then recover part of the drop over
 * the next bars; volume that rises with volatility and with the size of the bar's move, with a time-of-day pattern
 * for intraday timeframes. The drift is centred on the regimes' long-run mix (crash losses included) and the log price
 * is weakly pulled back to the start price, so the market keeps a realistic price range at any length; closes reflect
 * off a floor at 1/1000 of the start price. Prices are rounded to `tickSize`; each open equals the previous close (no
 * gaps, as on a 24/7 market). Throws a RangeError naming each invalid option.
 */
export function simulateMarket(options: SimulateMarketOptions = {}): SimulatedMarket {
  const config = resolveSimulatedMarketOptions(options);
  return generateMarket(config, localDraws(config));
}

/**
 * Where the price loop takes each bar's random draws from: drawn in this thread just ahead of it, or by another
 * thread (sim-market-thread.ts). Either way the same DrawStream draws them, so the market is the same.
 */
export interface DrawSource {
  readonly draws: BarDraws;
  /** Returns once the bars before `end` are drawn, with the index in `draws` of bar 0 (bar i is at i − base). */
  ensure(end: number): number;
}

/** Draws made in this thread, a block at a time into one block-sized buffer, just before the price loop needs them. */
export function localDraws(config: SimulatedMarketConfig): DrawSource {
  const stream = new DrawStream(config);
  const draws = allocateDraws(Math.min(config.bars, DRAW_BLOCK));
  return {
    draws,
    ensure: (end) => {
      const base = stream.done;
      stream.fill(draws, end, base);
      return base;
    },
  };
}

/** Bars the price loop runs between two calls to `DrawSource.ensure`. */
export const DRAW_BLOCK = 1 << 15;

/** The market of a resolved config, its random draws taken from `source`. */
export function generateMarket(config: SimulatedMarketConfig, source: DrawSource): SimulatedMarket {
  const { bars, tickSize, baseVolume, startTime, flashCrashProbability } = config;
  // Read once: property loads on the rarely taken crash path would lack type feedback and deoptimise the loop.
  const { reboundBars, volumeMultiplier } = config.flashCrash;
  const crashVarianceMultiple = config.flashCrash.volatilityMultiplier ** 2;
  const barMs = timeframeMs(config.timeframe);
  const years = barMs / YEAR_MS;

  const regimeCount = REGIME_NAMES.length;
  const drift = new Float64Array(regimeCount);
  const longRunVariance = new Float64Array(regimeCount);
  const alpha = new Float64Array(regimeCount);
  const beta = new Float64Array(regimeCount);
  for (let r = 0; r < regimeCount; r++) {
    const regime = config.regimes[REGIME_NAMES[r] as RegimeName];
    drift[r] = regime.annualDrift * years;
    longRunVariance[r] = regime.annualVolatility ** 2 * years;
    alpha[r] = regime.garchAlpha;
    beta[r] = regime.garchBeta;
  }
  const referenceVariance = longRunVariance[Regime.Sideways] as number;
  const initialRegime = REGIME_NAMES.indexOf(config.initialRegime);

  // Centre the drift: the regimes' drifts weighted by their long-run shares, plus what crashes keep of their drop.
  // Without this, a mix that nets −3 % a year takes the price from 30,000 to 0.01 over a few centuries of bars, and
  // a stress setting with frequent crashes would sit on the floor; the anchor then only has to hold the noise.
  const shares = regimeShares(
    {
      meanDuration: REGIME_NAMES.map((name) => config.regimes[name].meanDurationBars),
      next: REGIME_NAMES.map((name) => REGIME_NAMES.map((other) => config.regimes[name].next[other] ?? 0)),
    },
    initialRegime,
  );
  let meanDrift = -flashCrashProbability * expectedCrashLogLoss(config.flashCrash);
  for (let r = 0; r < regimeCount; r++) meanDrift += (shares[r] as number) * (drift[r] as number);
  for (let r = 0; r < regimeCount; r++) drift[r] = (drift[r] as number) - meanDrift;
  const anchorPull = Math.LN2 / (config.anchorHalfLifeYears / years);
  const logAnchor = Math.log(config.startPrice);

  const seasonal = seasonalVarianceTable(barMs, config.seasonality);
  // One stream per concern, so that e.g. a different crash rate leaves the ordinary returns between crashes unchanged:
  // they are drawn by a DrawStream (draw-stream.ts), volatility factors included, and read here from `source`.

  const tickInverse = Math.round(1 / tickSize);
  // Dividing by an integer inverse gives the double nearest the decimal price (30000.01, not 30000.010000000002).
  const exactInverse = Math.abs(1 / tickSize - tickInverse) < 1e-9 * tickInverse;
  const toTick = (price: number): number => {
    const rounded = exactInverse
      ? Math.round(price * tickInverse) / tickInverse
      : Math.round(price / tickSize) * tickSize;
    return Math.max(rounded, tickSize);
  };
  const logFloor = Math.log(
    Math.min(config.startPrice / 2, Math.max(config.startPrice * FLOOR_FRACTION, 10 * tickSize)),
  );
  const intraday = barMs < DAY_MS;

  const series = emptySeries(config.symbol, config.timeframe, bars);
  const { time, open, high, low, close, volume } = series;
  const {
    regimes: drawnRegimes,
    shocks,
    factorScale,
    wickHigh,
    wickLow,
    volumeNoise,
    crashFlags,
    crashBounce,
  } = source.draws;
  // The draws may be one block at a time: the regimes and crash bars handed back are kept here, whole.
  const regimes = new Uint8Array(bars);
  const crashed = new Uint8Array(bars);

  let regime: number = initialRegime;
  // The GARCH component in units of the regime's long-run variance (mean 1); the last unit shock feeds it.
  let garch = 1;
  let previousStandardShock = 0;
  let logPrice = logAnchor;
  let previousClose = toTick(config.startPrice);
  let reboundBarsLeft = 0;
  let reboundPerBar = 0;
  let crashVolumeBoost = 0;
  let weekOffset = seasonIndex(startTime) * HOUR_MS + (((startTime % HOUR_MS) + HOUR_MS) % HOUR_MS);
  const barStep = barMs % WEEK_MS;

  let blockEnd = 0;
  let base = 0;
  for (let i = 0; i < bars; i++) {
    if (i === blockEnd) {
      blockEnd = Math.min(bars, blockEnd + DRAW_BLOCK);
      base = source.ensure(blockEnd);
    }
    const k = i - base;
    const barTime = startTime + i * barMs;
    regime = drawnRegimes[k] as number;
    regimes[i] = regime;
    if (i > 0) {
      const a = alpha[regime] as number;
      const b = beta[regime] as number;
      garch = 1 - a - b + (a * previousStandardShock * previousStandardShock + b) * garch;
    }
    const regimeVariance = longRunVariance[regime] as number;
    const hourOfWeek = Math.floor(weekOffset / HOUR_MS);
    const shape = (seasonal[hourOfWeek] as number) * (factorScale[k] as number);
    let variance = regimeVariance * shape * garch;
    const cap = MAX_VARIANCE_MULTIPLE * regimeVariance;
    if (variance > cap) variance = cap;

    const standardShock = shocks[k] as number;
    const shock = Math.sqrt(variance) * standardShock;
    const logOpen = logPrice;
    let logHigh: number;
    let logLow: number;
    let logClose: number;
    let moveSize: number;

    if (crashFlags[k] === 1) {
      // On a crash bar the draws carry the drop and the rebound in the low wick's and the shock's slots.
      const drop = wickLow[k] as number;
      const rebound = standardShock;
      const bounce = crashBounce[k] as number;
      crashed[i] = 1;
      logLow = logOpen - drop;
      logClose = logLow + bounce;
      // Only the stretch before the crash can set a high above the open.
      logHigh = logOpen + 0.5 * Math.sqrt(-2 * variance * (wickHigh[k] as number));
      reboundBarsLeft = reboundBars;
      reboundPerBar = (rebound - bounce) / reboundBars;
      crashVolumeBoost = volumeMultiplier - 1;
      // The crash itself does not feed GARCH (it would dominate it for weeks); the variance jumps to a set level.
      previousStandardShock = 0;
      const shocked = crashVarianceMultiple / shape;
      if (garch < shocked) garch = shocked;
      // Volume answers the size of the drop, not the calm that preceded it.
      moveSize = Math.min(drop / Math.sqrt(variance), MAX_SHOCK);
    } else {
      let move = (drift[regime] as number) - anchorPull * (logOpen - logAnchor) + shock;
      if (reboundBarsLeft > 0) {
        move += reboundPerBar;
        reboundBarsLeft--;
      }
      logClose = logOpen + move;
      // Exact extremes of a Brownian bridge from 0 to `move` with the bar's variance (inverse of P(max > m | move)).
      const squaredMove = move * move;
      logHigh = logOpen + 0.5 * (move + Math.sqrt(squaredMove - 2 * variance * (wickHigh[k] as number)));
      logLow = logOpen + 0.5 * (move - Math.sqrt(squaredMove - 2 * variance * (wickLow[k] as number)));
      previousStandardShock = standardShock;
      moveSize = Math.abs(standardShock);
    }

    // Reflect rather than clamp, so that a path that reaches the floor does not stick to it with flat bars.
    if (logClose < logFloor) logClose = 2 * logFloor - logClose;
    if (logLow < logFloor) logLow = logFloor;
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
      Math.exp(0.4 * Math.log(variance / referenceVariance) + 0.45 * (volumeNoise[k] as number) - 0.10125);
    // Hour of the week 0 is midnight UTC, so its remainder by 24 is the hour of the day.
    if (intraday) barVolume *= HOURLY_VOLUME[hourOfWeek % 24] as number;
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
    previousClose = barClose;
    // Kept incrementally: a floating-point remainder per bar costs more than the rest of the seasonality.
    weekOffset += barStep;
    if (weekOffset >= WEEK_MS) weekOffset -= WEEK_MS;
  }

  const crashes: number[] = [];
  for (let i = 0; i < bars; i++) if (crashed[i] === 1) crashes.push(i);
  return { series, regimes, crashes, config };
}

/** E[log drop × (1 − rebound share)]: what one crash takes off the log price for good, on average. */
function expectedCrashLogLoss(crash: SimulatedMarketConfig["flashCrash"]): number {
  const { minDrop: a, maxDrop: b } = crash;
  // Mean of −ln(1 − d) for d uniform on [a, b]; an antiderivative is (1 − d) ln(1 − d) + d.
  const antiderivative = (d: number) => (1 - d) * Math.log(1 - d) + d;
  const meanLogDrop = b - a < 1e-12 ? -Math.log(1 - a) : (antiderivative(b) - antiderivative(a)) / (b - a);
  return meanLogDrop * (1 - (crash.minRebound + crash.maxRebound) / 2);
}
