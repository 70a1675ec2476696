/**
 * Volume-weighted average price over typical price (high + low + close) / 3, in two forms:
 * - `vwap`: rolling, over the last `period` bars: Σ typical × volume / Σ volume. NaN before index `period - 1`.
 * - `sessionVwap`: cumulative since the start of the bar's session, restarting whenever floor(time / sessionMs)
 *   changes (UTC days by default); defined from a session's first bar.
 * Where the volume in the window (or session so far) is all zero, the price is undefined and the output is NaN.
 * TA-Lib has no VWAP. https://en.wikipedia.org/wiki/Volume-weighted_average_price
 */
import { assertSameLength, warmupArray } from "./talib-conventions.js";
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
  // Two WindowSums inlined, one block of `period` bars at a time (slot j holds bar start + j); same operations in
  // the same order as the class the stream uses, so equal results.
  const priceVolumes = new Float64Array(period);
  const windowVolumes = new Float64Array(period);
  let priceVolumeSum = 0;
  let volumeSum = 0;
  let nonZero = 0;
  for (let start = 0; start < length; start += period) {
    const end = Math.min(start + period, length);
    const full = start >= period;
    for (let i = start, j = 0; i < end; i++, j++) {
      const v = volumes[i]!;
      const priceVolume = ((highs[i]! + lows[i]! + closes[i]!) / 3) * v;
      if (full) {
        const leaving = windowVolumes[j]!;
        priceVolumeSum -= priceVolumes[j]!;
        volumeSum -= leaving;
        if (leaving !== 0) nonZero--;
      }
      priceVolumes[j] = priceVolume;
      windowVolumes[j] = v;
      priceVolumeSum += priceVolume;
      volumeSum += v;
      if (v !== 0) nonZero++;
      if (j + 1 === period) {
        let pv = 0;
        let vs = 0;
        for (let k = 0; k < period; k++) {
          pv += priceVolumes[k]!;
          vs += windowVolumes[k]!;
        }
        priceVolumeSum = pv;
        volumeSum = vs;
      }
      if (i >= period - 1) out[i] = nonZero === 0 ? Number.NaN : priceVolumeSum / volumeSum;
    }
  }
  return out;
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
    this.priceVolume.add(((bar.high + bar.low + bar.close) / 3) * bar.volume);
    this.volumeSum.add(bar.volume);
    if (!this.volumeSum.full || this.volumeSum.allZero) return Number.NaN;
    return this.priceVolume.sum / this.volumeSum.sum;
  }

  peek(bar: BarInput): number {
    if (this.volumeSum.peekAllZero(bar.volume)) return Number.NaN;
    const priceVolume = this.priceVolume.peekSum(((bar.high + bar.low + bar.close) / 3) * bar.volume);
    return priceVolume / this.volumeSum.peekSum(bar.volume);
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
