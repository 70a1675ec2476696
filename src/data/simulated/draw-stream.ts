import { createRandom, type Random } from "../../domain/random.js";
import { REGIME_NAMES, type RegimeName, type SimulatedMarketConfig } from "./sim-market-options.js";
import { factorCoefficients, GAUSSIAN_TABLE, GAUSSIAN_TABLE_SIZE } from "./volatility-shape.js";

/**
 * Unit shocks are capped at ±8σ: without it, one extreme t draw feeds GARCH, the next draw lands on the inflated
 * variance, and an hourly bar can lose 80 % outside any flash crash.
 */
export const MAX_SHOCK = 8;

/** A flash crash's in-bar bounce takes at most this share of the total rebound; the rest comes over the next bars. */
export const MAX_IN_BAR_BOUNCE = 0.3;

/**
 * What each bar draws at random, one entry per bar. On a crash bar the unit shock and the low wick are not used, so
 * those two slots carry the crash's rebound and drop instead (no arrays that would be empty 99.99 % of the time).
 */
export interface BarDraws {
  readonly regimes: Uint8Array;
  /** The unit shock (Student t, capped at ±8); on a crash bar, the total log rebound. */
  readonly shocks: Float64Array;
  /** The slow volatility factors' multiple of the variance, exp(Σ factors − mean correction). */
  readonly factorScale: Float64Array;
  /** ln(1 − u) of the high's Brownian-bridge draw. */
  readonly wickHigh: Float64Array;
  /** ln(1 − u) of the low's draw; on a crash bar, the log drop. */
  readonly wickLow: Float64Array;
  /** The standard normal of the volume's noise. */
  readonly volumeNoise: Float64Array;
  /** 1 on a flash-crash bar. */
  readonly crashFlags: Uint8Array;
  /** On a crash bar, the log bounce within the bar; unused elsewhere. */
  readonly crashBounce: Float64Array;
}

/** Empty draws for `bars` bars, in ordinary or (for another thread to fill) shared memory. */
export function allocateDraws(bars: number, shared = false): BarDraws {
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    regimes: new Uint8Array(buffer(bars)),
    shocks: new Float64Array(buffer(bars * 8)),
    factorScale: new Float64Array(buffer(bars * 8)),
    wickHigh: new Float64Array(buffer(bars * 8)),
    wickLow: new Float64Array(buffer(bars * 8)),
    volumeNoise: new Float64Array(buffer(bars * 8)),
    crashFlags: new Uint8Array(buffer(bars)),
    crashBounce: new Float64Array(buffer(bars * 8)),
  };
}

/**
 * Every random draw of a simulated market, bar after bar: the regime chain, the return shocks, the wicks, the
 * volume noise, the flash crashes and the slow volatility factors. Each draws from a random stream of its own and
 * none depends on what the prices do, so they can be drawn ahead, in another thread, and the market stays
 * bit-identical: the same draws in the same order with the same arithmetic, only computed elsewhere.
 */
export class DrawStream {
  readonly #regimeRandom: Random;
  readonly #returnRandom: Random;
  readonly #wickRandom: Random;
  readonly #volumeRandom: Random;
  readonly #crashRandom: Random;
  readonly #crash: SimulatedMarketConfig["flashCrash"];
  readonly #crashProbability: number;
  readonly #factorRandom: Random;
  readonly #factors: ReturnType<typeof factorCoefficients>;
  readonly #factorState: Float64Array;
  readonly #barsToUpdate: Int32Array;
  readonly #regimeCount: number;
  readonly #leaveProbability: Float64Array;
  readonly #nextWeight: Float64Array;
  readonly #nextTotal: Float64Array;
  readonly #lastPossibleNext: Int32Array;
  readonly #degreesOfFreedom: Float64Array;
  readonly #shockScale: Float64Array;
  #regime: number;
  #done = 0;

  constructor(config: SimulatedMarketConfig) {
    const regimeCount = REGIME_NAMES.length;
    this.#regimeCount = regimeCount;
    this.#leaveProbability = new Float64Array(regimeCount);
    this.#nextWeight = new Float64Array(regimeCount * regimeCount);
    this.#nextTotal = new Float64Array(regimeCount);
    this.#lastPossibleNext = new Int32Array(regimeCount);
    this.#degreesOfFreedom = new Float64Array(regimeCount);
    this.#shockScale = new Float64Array(regimeCount);
    for (let r = 0; r < regimeCount; r++) {
      const regime = config.regimes[REGIME_NAMES[r] as RegimeName];
      this.#degreesOfFreedom[r] = regime.tailDegreesOfFreedom;
      // A t(ν) variate has variance ν/(ν−2); scaling by its inverse root makes the model's σ² the actual variance.
      this.#shockScale[r] = Math.sqrt((regime.tailDegreesOfFreedom - 2) / regime.tailDegreesOfFreedom);
      this.#leaveProbability[r] = 1 / regime.meanDurationBars;
      const weights: Partial<Record<RegimeName, number>> = regime.next;
      for (let s = 0; s < regimeCount; s++) {
        const w = s === r ? 0 : (weights[REGIME_NAMES[s] as RegimeName] ?? 0);
        this.#nextWeight[r * regimeCount + s] = w;
        this.#nextTotal[r] = (this.#nextTotal[r] as number) + w;
        if (w > 0) this.#lastPossibleNext[r] = s;
      }
    }
    const root = createRandom(config.seed);
    this.#regimeRandom = root.fork("regime");
    this.#returnRandom = root.fork("returns");
    this.#wickRandom = root.fork("wicks");
    this.#volumeRandom = root.fork("volume");
    this.#crashRandom = root.fork("flash-crash");
    this.#crash = config.flashCrash;
    this.#crashProbability = config.flashCrashProbability;
    this.#factorRandom = root.fork("volatility-factors");
    this.#factors = factorCoefficients(config.volatilityFactors);
    const factorCount = config.volatilityFactors.length;
    this.#factorState = new Float64Array(factorCount);
    this.#barsToUpdate = new Int32Array(factorCount);
    // Start the factors in their stationary distribution, so that the first bars are as typical as any later ones.
    for (let j = 0; j < factorCount; j++) {
      this.#factorState[j] = (this.#factors.stationarySd[j] as number) * this.#factorRandom.normal();
    }
    this.#regime = REGIME_NAMES.indexOf(config.initialRegime);
  }

  /** Bars drawn so far: the next `fill` starts there. */
  get done(): number {
    return this.#done;
  }

  /**
   * Draws bars `done` to `end` (exclusive) into `draws`, bar i at index i − `base` (a block-sized buffer reused
   * for each block keeps the draws in cache when this thread makes them itself).
   */
  fill(draws: BarDraws, end: number, base = 0): void {
    const { regimes, shocks, factorScale, wickHigh, wickLow, volumeNoise, crashFlags, crashBounce } = draws;
    const factorRandom = this.#factorRandom;
    const factorState = this.#factorState;
    const barsToUpdate = this.#barsToUpdate;
    const factorCount = factorState.length;
    const { stride, persistence, innovationSd, meanCorrection } = this.#factors;
    const regimeRandom = this.#regimeRandom;
    const returnRandom = this.#returnRandom;
    const wickRandom = this.#wickRandom;
    const volumeRandom = this.#volumeRandom;
    const crashRandom = this.#crashRandom;
    const crashProbability = this.#crashProbability;
    // Read once: property loads on the rarely taken crash path would lack type feedback and deoptimise the loop.
    const { minDrop, maxDrop, minRebound, maxRebound } = this.#crash;
    const regimeCount = this.#regimeCount;
    const leaveProbability = this.#leaveProbability;
    const nextWeight = this.#nextWeight;
    const nextTotal = this.#nextTotal;
    const lastPossibleNext = this.#lastPossibleNext;
    const degreesOfFreedom = this.#degreesOfFreedom;
    const shockScale = this.#shockScale;
    let regime = this.#regime;
    for (let i = this.#done; i < end; i++) {
      if (i > 0 && regimeRandom.next() < (leaveProbability[regime] as number)) {
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
      const k = i - base;
      regimes[k] = regime;
      let standardShock = returnRandom.studentT(degreesOfFreedom[regime] as number) * (shockScale[regime] as number);
      if (standardShock > MAX_SHOCK) standardShock = MAX_SHOCK;
      else if (standardShock < -MAX_SHOCK) standardShock = -MAX_SHOCK;
      shocks[k] = standardShock;
      let logFactor = -meanCorrection;
      for (let j = 0; j < factorCount; j++) {
        let x = factorState[j] as number;
        const left = (barsToUpdate[j] as number) - 1;
        if (left <= 0) {
          const gaussian = GAUSSIAN_TABLE[(factorRandom.next() * GAUSSIAN_TABLE_SIZE) | 0] as number;
          x = (persistence[j] as number) * x + (innovationSd[j] as number) * gaussian;
          factorState[j] = x;
          barsToUpdate[j] = stride[j] as number;
        } else {
          barsToUpdate[j] = left;
        }
        logFactor += x;
      }
      factorScale[k] = Math.exp(logFactor);
      if (crashRandom.next() < crashProbability) {
        const drop = -Math.log(1 - (minDrop + (maxDrop - minDrop) * crashRandom.next()));
        const rebound = drop * (minRebound + (maxRebound - minRebound) * crashRandom.next());
        crashBounce[k] = rebound * MAX_IN_BAR_BOUNCE * crashRandom.next();
        crashFlags[k] = 1;
        shocks[k] = rebound;
        wickLow[k] = drop;
        // Only the stretch before the crash can set a high above the open: one wick draw.
        wickHigh[k] = Math.log(1 - wickRandom.next());
      } else {
        crashFlags[k] = 0;
        wickHigh[k] = Math.log(1 - wickRandom.next());
        wickLow[k] = Math.log(1 - wickRandom.next());
      }
      volumeNoise[k] = volumeRandom.normal();
    }
    this.#regime = regime;
    if (end > this.#done) this.#done = end;
  }
}
