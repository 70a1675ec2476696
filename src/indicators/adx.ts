import { diOf, directionalPass, dxOf, hasDx, minusMoveOf, movementPass, plusMoveOf } from "./directional-movement.js";
import {
  assertSameLength,
  type HighLowClose,
  hlcArrays,
  isZero,
  trueRangeOf,
  type WilderFactors,
  warmupArray,
  wilderFactors,
} from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/** ADX and the two directional indicators at one bar. */
export interface AdxValue {
  /** Average directional index, NaN before index 2·period − 1. */
  adx: number;
  /** +DI, NaN before index `period`. */
  plusDi: number;
  /** −DI, NaN before index `period`. */
  minusDi: number;
}

/**
 * Plus directional movement (TA-Lib PLUS_DM): up = high − previous high counts when up > 0 and up > down
 * (down = previous low − low). Period 1: the raw value from index 1. Period n > 1: at index n − 1 the sum over bars
 * 1..n−1, then Wilder smoothing dm = dm − dm / n + up (as dm × (n − 1) / n + up: equal to TA-Lib within a few ulps,
 * see directional-movement.ts). https://ta-lib.github.io/ta-lib-c/ (function PLUS_DM)
 */
export function plusDm(high: Numbers, low: Numbers, period = 14): Float64Array {
  return directionalMovement("plusDm", high, low, period, true);
}

/** Minus directional movement (TA-Lib MINUS_DM): like `plusDm` with down = previous low − low (down > 0, down > up). */
export function minusDm(high: Numbers, low: Numbers, period = 14): Float64Array {
  return directionalMovement("minusDm", high, low, period, false);
}

/**
 * Plus directional indicator (TA-Lib PLUS_DI): 100 × smoothed +DM / smoothed TR, from index `period`; 0 when TR ~ 0.
 * TA-Lib quirk kept: with period 1 it returns the ratio +DM / TR without the factor 100.
 * https://ta-lib.github.io/ta-lib-c/ (function PLUS_DI)
 */
export function plusDi(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  return directionalIndicator("plusDi", high, low, close, period, true);
}

/** Minus directional indicator (TA-Lib MINUS_DI): like `plusDi` with −DM. Period 1 returns a ratio (TA-Lib). */
export function minusDi(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  return directionalIndicator("minusDi", high, low, close, period, false);
}

/**
 * Directional movement index (TA-Lib DX): 100 × |−DI − +DI| / (−DI + +DI), from index `period` (period >= 2).
 * TA-Lib quirk kept: when TR or the DI sum is ~0 the previous DX is repeated (0 at the first output).
 * https://ta-lib.github.io/ta-lib-c/ (function DX)
 */
export function dx(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  assertPeriod("dx", period, 2);
  const [highs, lows, closes] = hlcArrays("dx", high, low, close);
  const out = warmupArray(highs.length, period);
  directionalPass(highs, lows, closes, period, "dx", out);
  return out;
}

/**
 * Average directional index (TA-Lib ADX, Wilder), trend strength in [0, 100] regardless of direction.
 * First value at index 2·period − 1 (27 for 14): the mean of the DX of bars period..2·period−1, then
 * adx = (adx × (period − 1) + dx) / period. Bars whose TR or DI sum is ~0 leave the ADX unchanged (TA-Lib).
 * Period must be >= 2. A NaN high/low makes that output and every later one NaN.
 * https://ta-lib.github.io/ta-lib-c/ (function ADX)
 */
export function adx(high: Numbers, low: Numbers, close: Numbers, period = 14): Float64Array {
  assertPeriod("adx", period, 2);
  const [highs, lows, closes] = hlcArrays("adx", high, low, close);
  const out = warmupArray(highs.length, 2 * period - 1);
  directionalPass(highs, lows, closes, period, "adx", out);
  return out;
}

function directionalMovement(name: string, high: Numbers, low: Numbers, period: number, plus: boolean): Float64Array {
  assertPeriod(name, period, 1);
  assertSameLength(name, "low", low.length, high.length);
  const highs = toFloat64(high);
  const lows = toFloat64(low);
  const length = highs.length;
  const out = warmupArray(length, period === 1 ? 1 : period - 1);
  if (period > 1) {
    movementPass(highs, lows, period, plus, out);
    return out;
  }
  for (let i = 1; i < length; i++) {
    const up = highs[i]! - highs[i - 1]!;
    const down = lows[i - 1]! - lows[i]!;
    const counts = plus ? up > 0 && up > down : down > 0 && up < down;
    out[i] = counts ? (plus ? up : down) : 0;
  }
  return out;
}

function directionalIndicator(
  name: string,
  high: Numbers,
  low: Numbers,
  close: Numbers,
  period: number,
  plus: boolean,
): Float64Array {
  assertPeriod(name, period, 1);
  const [highs, lows, closes] = hlcArrays(name, high, low, close);
  const length = highs.length;
  const out = warmupArray(length, period);
  if (period > 1) {
    directionalPass(highs, lows, closes, period, plus ? "plusDi" : "minusDi", out);
    return out;
  }
  for (let i = 1; i < length; i++) {
    const up = highs[i]! - highs[i - 1]!;
    const down = lows[i - 1]! - lows[i]!;
    const counts = plus ? up > 0 && up > down : down > 0 && up < down;
    if (!counts) {
      out[i] = 0;
      continue;
    }
    const range = trueRangeOf(highs[i]!, lows[i]!, closes[i - 1]!);
    out[i] = isZero(range) ? 0 : (plus ? up : down) / range;
  }
  return out;
}

/**
 * Streaming ADX with +DI and −DI: `update(bar)` returns the same values as `adx`, `plusDi` and `minusDi` at that bar.
 * Period must be >= 2.
 */
export class AdxStream implements StreamingIndicator<HighLowClose, AdxValue> {
  readonly period: number;
  private readonly factors: WilderFactors;
  private count = 0;
  private previousHigh = Number.NaN;
  private previousLow = Number.NaN;
  private previousClose = Number.NaN;
  private plusDm = 0;
  private minusDm = 0;
  private range = 0;
  private sumDx = 0;
  private adx = Number.NaN;

  constructor(period = 14) {
    assertPeriod("AdxStream", period, 2);
    this.period = period;
    this.factors = wilderFactors(period);
  }

  update(bar: HighLowClose): AdxValue {
    return this.step(bar, true);
  }

  peek(bar: HighLowClose): AdxValue {
    return this.step(bar, false);
  }

  reset(): void {
    this.count = 0;
    this.previousHigh = Number.NaN;
    this.previousLow = Number.NaN;
    this.previousClose = Number.NaN;
    this.plusDm = 0;
    this.minusDm = 0;
    this.range = 0;
    this.sumDx = 0;
    this.adx = Number.NaN;
  }

  // Mirrors directionalPass bar by bar; `commit` false computes the same value without keeping it (peek).
  private step(bar: HighLowClose, commit: boolean): AdxValue {
    const period = this.period;
    const index = this.count;
    let plusDm = this.plusDm;
    let minusDm = this.minusDm;
    let range = this.range;
    let sumDx = this.sumDx;
    let adx = this.adx;
    let result: AdxValue = { adx: Number.NaN, plusDi: Number.NaN, minusDi: Number.NaN };
    if (index > 0) {
      const up = bar.high - this.previousHigh;
      const down = this.previousLow - bar.low;
      const trueRange = trueRangeOf(bar.high, bar.low, this.previousClose);
      const { keep, share } = this.factors;
      const smoothing = index >= period ? keep : 1;
      plusDm = plusDm * smoothing + plusMoveOf(up, down);
      minusDm = minusDm * smoothing + minusMoveOf(up, down);
      range = range * smoothing + trueRange;
      if (index >= period) {
        if (hasDx(plusDm, minusDm, range)) {
          const dx = dxOf(plusDm, minusDm);
          if (index <= 2 * period - 1) sumDx += dx;
          else adx = adx * keep + dx * share;
        }
        if (index === 2 * period - 1) adx = sumDx / period;
        const plusDi = diOf(plusDm, range);
        const minusDi = diOf(minusDm, range);
        result = { adx: index >= 2 * period - 1 ? adx : Number.NaN, plusDi, minusDi };
      }
    }
    if (commit) {
      this.count = index + 1;
      this.previousHigh = bar.high;
      this.previousLow = bar.low;
      this.previousClose = bar.close;
      this.plusDm = plusDm;
      this.minusDm = minusDm;
      this.range = range;
      this.sumDx = sumDx;
      this.adx = adx;
    }
    return result;
  }
}
