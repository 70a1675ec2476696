/**
 * Volume-weighted average price over typical price (high + low + close) / 3, in two forms:
 * - `vwap`: rolling, over the last `period` bars: Σ typical × volume / Σ volume. NaN before index `period - 1`.
 * - `sessionVwap`: cumulative since the start of the bar's session, restarting whenever floor(time / sessionMs)
 *   changes (UTC days by default); defined from a session's first bar.
 * Where the volume in the window (or session so far) is all zero, the price is undefined and the output is NaN.
 * TA-Lib has no VWAP. https://en.wikipedia.org/wiki/Volume-weighted_average_price
 */
import { assertSameLength, CHUNK_LENGTH, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type BarInput, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";
import { WindowSum } from "./window-sum.js";

const DAY_MS = 86_400_000;

function ohlcvArrays(
  name: string,
  high: Numbers,
  low: Numbers,
  close: Numbers,
  volume: Numbers,
): [Float64Array, Float64Array, Float64Array, Float64Array] {
  assertSameLength(name, "low", low.length, high.length);
  assertSameLength(name, "close", close.length, high.length);
  assertSameLength(name, "volume", volume.length, high.length);
  return [toFloat64(high), toFloat64(low), toFloat64(close), toFloat64(volume)];
}

function assertSessionMs(name: string, sessionMs: number): void {
  if (!(Number.isFinite(sessionMs) && sessionMs > 0)) {
    throw new RangeError(`${name}: sessionMs must be a positive number of milliseconds, got ${sessionMs}`);
  }
}

/**
 * Rolling VWAP over `period` bars (period >= 1): Σ typical price × volume / Σ volume.
 * NaN before index `period - 1` and where the window's volume is all zero.
 */
export function vwap(high: Numbers, low: Numbers, close: Numbers, volume: Numbers, period = 20): Float64Array {
  assertPeriod("vwap", period, 1);
  const [highs, lows, closes, volumes] = ohlcvArrays("vwap", high, low, close, volume);
  const length = highs.length;
  const out = warmupArray(length, period - 1);
  const sums: WindowSums = { priceVolumes: new Float64Array(period), priceVolume: 0, volume: 0, nonZero: 0 };
  if (length < period) return out;
  // The first block fills the window: nothing leaves it, and only its last bar has a value, taken after WindowSum's
  // re-addition of the slots (each sum from 0, in order).
  for (let i = 0; i < period; i++) {
    const v = volumes[i]!;
    sums.priceVolumes[i] = (highs[i]! + lows[i]! + closes[i]!) * v;
    sums.priceVolume += sums.priceVolumes[i]!;
    sums.volume += v;
    if (v !== 0) sums.nonZero++;
  }
  out[period - 1] = sums.nonZero === 0 ? Number.NaN : sums.priceVolume / (3 * sums.volume);
  // Whole blocks per chunk; the first chunk is one block, so that vwapChunk runs to its end before V8 optimizes it
  // (see chunkEnd in talib-conventions.ts).
  const chunk = Math.max(1, Math.floor(CHUNK_LENGTH / period)) * period;
  for (let from = period, end = from; from < length; from = end) {
    end = Math.min(length, from + (from === period ? period : chunk));
    vwapChunk(highs, lows, closes, volumes, sums, out, from, end);
  }
  return out;
}

/**
 * Two WindowSums inlined, over Σ (high + low + close) × volume and Σ volume (slot j holds bar block start + j), with
 * the count of non-zero volumes; the same operations in the same order as the class the stream uses, so equal
 * results. The typical price's division by 3 is taken once, out of the sum: Σ(h + l + c)·v / (3·Σv), one division
 * per bar instead of two (a few ulps from dividing each price).
 */
interface WindowSums {
  priceVolumes: Float64Array;
  priceVolume: number;
  volume: number;
  nonZero: number;
}

/** Writes out[from .. to − 1] for whole blocks after the first (`from` a multiple of the period). */
function vwapChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  volumes: Float64Array,
  sums: WindowSums,
  out: Float64Array,
  from: number,
  to: number,
): void {
  const { priceVolumes } = sums;
  const period = priceVolumes.length;
  let { priceVolume, volume, nonZero } = sums;
  // Read before the loop: a global read first met mid-loop (an all-zero-volume window) would deoptimize.
  const nan = Number.NaN;
  for (let start = from; start < to; start += period) {
    const count = Math.min(period, to - start);
    // The slots hold this block's bars once it is complete, so WindowSum's re-addition of the slots in order is this
    // block's running sum from 0: kept as we go, instead of a chain of `period` additions at the block's end.
    let blockPriceVolume = 0;
    let blockVolume = 0;
    for (let j = 0; j < count; j++) {
      const i = start + j;
      const v = volumes[i]!;
      // The volume leaving the window is read from the input (the same value WindowSum keeps in its slot).
      const leaving = volumes[i - period]!;
      priceVolume -= priceVolumes[j]!;
      volume -= leaving;
      // Flags, not branches: WindowSum's `if (leaving !== 0) nonZero--; if (v !== 0) nonZero++` as arithmetic.
      nonZero += Number(v !== 0) - Number(leaving !== 0);
      const weighted = (highs[i]! + lows[i]! + closes[i]!) * v;
      priceVolumes[j] = weighted;
      priceVolume += weighted;
      volume += v;
      blockPriceVolume += weighted;
      blockVolume += v;
      if (j + 1 === period) {
        priceVolume = blockPriceVolume;
        volume = blockVolume;
      }
      out[i] = nonZero === 0 ? nan : priceVolume / (3 * volume);
    }
  }
  Object.assign(sums, { priceVolume, volume, nonZero });
}

/** Streaming {@link vwap}: `update(bar)` reads high, low, close and volume and returns the rolling VWAP. */
export class VwapStream implements StreamingIndicator<BarInput, number> {
  private readonly priceVolume: WindowSum;
  private readonly volumeSum: WindowSum;

  constructor(readonly period = 20) {
    assertPeriod("VwapStream", period, 1);
    this.priceVolume = new WindowSum(period);
    this.volumeSum = new WindowSum(period);
  }

  update(bar: BarInput): number {
    this.priceVolume.add((bar.high + bar.low + bar.close) * bar.volume);
    this.volumeSum.add(bar.volume);
    if (!this.volumeSum.full || this.volumeSum.allZero) return Number.NaN;
    return this.priceVolume.sum / (3 * this.volumeSum.sum);
  }

  peek(bar: BarInput): number {
    if (this.volumeSum.peekAllZero(bar.volume)) return Number.NaN;
    const priceVolume = this.priceVolume.peekSum((bar.high + bar.low + bar.close) * bar.volume);
    return priceVolume / (3 * this.volumeSum.peekSum(bar.volume));
  }

  reset(): void {
    this.priceVolume.reset();
    this.volumeSum.reset();
  }
}

/**
 * Session VWAP: cumulative Σ typical × volume / Σ volume since the first bar of the bar's session, where a session
 * is floor(time / sessionMs) (`time` in Unix ms; default one UTC day). NaN while the session's volume is all zero.
 * Throws a RangeError naming the index of a non-finite time.
 */
export function sessionVwap(
  time: Numbers,
  high: Numbers,
  low: Numbers,
  close: Numbers,
  volume: Numbers,
  sessionMs: number = DAY_MS,
): Float64Array {
  assertSessionMs("sessionVwap", sessionMs);
  assertSameLength("sessionVwap", "time", time.length, high.length);
  const [highs, lows, closes, volumes] = ohlcvArrays("sessionVwap", high, low, close, volume);
  const times = toFloat64(time);
  const length = highs.length;
  const out = new Float64Array(length);
  let session = Number.NaN;
  let priceVolume = 0;
  let volumeTotal = 0;
  for (let i = 0; i < length; i++) {
    const t = times[i]!;
    if (!Number.isFinite(t)) throw new RangeError(`sessionVwap: time[${i}] must be a finite Unix ms value, got ${t}`);
    const barSession = Math.floor(t / sessionMs);
    if (barSession !== session) {
      session = barSession;
      priceVolume = 0;
      volumeTotal = 0;
    }
    const v = volumes[i]!;
    priceVolume += ((highs[i]! + lows[i]! + closes[i]!) / 3) * v;
    volumeTotal += v;
    out[i] = volumeTotal !== 0 ? priceVolume / volumeTotal : Number.NaN;
  }
  return out;
}

/**
 * Streaming {@link sessionVwap}: `update(bar)` reads time, high, low, close and volume; a bar in a new session
 * restarts the sums. Throws a RangeError when `bar.time` is missing or not finite.
 */
export class SessionVwapStream implements StreamingIndicator<BarInput, number> {
  private session = Number.NaN;
  private priceVolume = 0;
  private volumeTotal = 0;

  constructor(readonly sessionMs: number = DAY_MS) {
    assertSessionMs("SessionVwapStream", sessionMs);
  }

  update(bar: BarInput): number {
    const barSession = this.sessionOf(bar);
    if (barSession !== this.session) {
      this.session = barSession;
      this.priceVolume = 0;
      this.volumeTotal = 0;
    }
    this.priceVolume += ((bar.high + bar.low + bar.close) / 3) * bar.volume;
    this.volumeTotal += bar.volume;
    return this.volumeTotal !== 0 ? this.priceVolume / this.volumeTotal : Number.NaN;
  }

  peek(bar: BarInput): number {
    const sameSession = this.sessionOf(bar) === this.session;
    const priceVolume = (sameSession ? this.priceVolume : 0) + ((bar.high + bar.low + bar.close) / 3) * bar.volume;
    const volumeTotal = (sameSession ? this.volumeTotal : 0) + bar.volume;
    return volumeTotal !== 0 ? priceVolume / volumeTotal : Number.NaN;
  }

  reset(): void {
    this.session = Number.NaN;
    this.priceVolume = 0;
    this.volumeTotal = 0;
  }

  private sessionOf(bar: BarInput): number {
    const time = bar.time;
    if (time === undefined || !Number.isFinite(time)) {
      throw new RangeError(`SessionVwapStream: bar.time must be a finite Unix ms value, got ${time}`);
    }
    return Math.floor(time / this.sessionMs);
  }
}
