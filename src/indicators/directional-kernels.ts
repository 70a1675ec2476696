/**
 * The batch loops of the directional indicators (see directional-movement.ts), one per output, each processing
 * bars [from, to) of a chunk and carrying its state to the next. Not part of the public index.
 *
 * Why they are written out: in V8's optimized loops every use of an imported constant or function costs a load and
 * a check on every bar (spelling them out took ~35% off the DX loop), and a dispatch on the wanted output cost ~10%
 * more. So each kernel spells out trueRangeOf, plusMoveOf, minusMoveOf, diOf, hasDx and dxOf with the same
 * operations in the same order as those helpers, which AdxStream and the warm-up use: results are equal bit for bit.
 */
import { TALIB_EPSILON, type WilderFactors } from "./talib-conventions.js";

/** The Wilder-smoothed state after some bar, carried from chunk to chunk. */
export interface DirectionalState {
  previousHigh: number;
  previousLow: number;
  previousClose: number;
  plusDm: number;
  minusDm: number;
  range: number;
  /** The last DX written (DX) or the ADX (ADX); unused by DI. */
  last: number;
}

/** A kernel: writes out[from .. to − 1] from `state` and leaves `state` at bar to − 1. */
export type SmoothingChunk = (
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  factors: WilderFactors,
  plus: boolean,
  state: DirectionalState,
  out: Float64Array,
  from: number,
  to: number,
) => void;

/** +DI (`plus`) or −DI: 100 × DM / TR, 0 when TR ~ 0. */
export function diChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  { keep }: WilderFactors,
  plus: boolean,
  state: DirectionalState,
  out: Float64Array,
  from: number,
  to: number,
): void {
  let { previousHigh, previousLow, previousClose, plusDm, minusDm, range } = state;
  const epsilon = TALIB_EPSILON;
  for (let i = from; i < to; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    const up = high - previousHigh;
    const down = previousLow - low;
    let trueRange = high - low;
    const toHigh = Math.abs(previousClose - high);
    if (toHigh > trueRange) trueRange = toHigh;
    const toLow = Math.abs(previousClose - low);
    if (toLow > trueRange) trueRange = toLow;
    previousHigh = high;
    previousLow = low;
    previousClose = closes[i]!;
    plusDm = plusDm * keep + Number(up > down) * Number(up > 0) * up;
    minusDm = minusDm * keep + Number(down > up) * Number(down > 0) * down;
    range = range * keep + trueRange;
    let di = 0;
    if (!(-epsilon < range && range < epsilon)) di = (plus ? plusDm : minusDm) * (100 / range);
    out[i] = di;
  }
  Object.assign(state, { previousHigh, previousLow, previousClose, plusDm, minusDm, range });
}

/** DX: 100 × |DM− − DM+| / (DM− + DM+), repeating the previous DX (state.last) where TA-Lib skips the bar. */
export function dxChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  { keep }: WilderFactors,
  _plus: boolean,
  state: DirectionalState,
  out: Float64Array,
  from: number,
  to: number,
): void {
  let { previousHigh, previousLow, previousClose, plusDm, minusDm, range, last } = state;
  const epsilon = TALIB_EPSILON;
  for (let i = from; i < to; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    const up = high - previousHigh;
    const down = previousLow - low;
    let trueRange = high - low;
    const toHigh = Math.abs(previousClose - high);
    if (toHigh > trueRange) trueRange = toHigh;
    const toLow = Math.abs(previousClose - low);
    if (toLow > trueRange) trueRange = toLow;
    previousHigh = high;
    previousLow = low;
    previousClose = closes[i]!;
    plusDm = plusDm * keep + Number(up > down) * Number(up > 0) * up;
    minusDm = minusDm * keep + Number(down > up) * Number(down > 0) * down;
    range = range * keep + trueRange;
    const sum = minusDm + plusDm;
    if (!(-epsilon < range && range < epsilon) && !(sum * 100 < epsilon * range)) {
      last = (100 * Math.abs(minusDm - plusDm)) / sum;
    }
    out[i] = last;
  }
  Object.assign(state, { previousHigh, previousLow, previousClose, plusDm, minusDm, range, last });
}

/** ADX from its seed in state.last: adx = adx × keep + dx × share, unchanged where TA-Lib skips the bar. */
export function adxChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  { keep, share }: WilderFactors,
  _plus: boolean,
  state: DirectionalState,
  out: Float64Array,
  from: number,
  to: number,
): void {
  let { previousHigh, previousLow, previousClose, plusDm, minusDm, range, last } = state;
  const epsilon = TALIB_EPSILON;
  for (let i = from; i < to; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    const up = high - previousHigh;
    const down = previousLow - low;
    let trueRange = high - low;
    const toHigh = Math.abs(previousClose - high);
    if (toHigh > trueRange) trueRange = toHigh;
    const toLow = Math.abs(previousClose - low);
    if (toLow > trueRange) trueRange = toLow;
    previousHigh = high;
    previousLow = low;
    previousClose = closes[i]!;
    plusDm = plusDm * keep + Number(up > down) * Number(up > 0) * up;
    minusDm = minusDm * keep + Number(down > up) * Number(down > 0) * down;
    range = range * keep + trueRange;
    const sum = minusDm + plusDm;
    if (!(-epsilon < range && range < epsilon) && !(sum * 100 < epsilon * range)) {
      last = last * keep + ((100 * Math.abs(minusDm - plusDm)) / sum) * share;
    }
    out[i] = last;
  }
  Object.assign(state, { previousHigh, previousLow, previousClose, plusDm, minusDm, range, last });
}

/**
 * +DM (`plus`) or −DM smoothing: dm = dm × keep + move, from the smoothed `dm` at from − 1; returns the value at
 * to − 1. A NaN move (NaN high or low) counts as 0: TA-Lib's comparisons skip that bar.
 */
export function movementChunk(
  highs: Float64Array,
  lows: Float64Array,
  keep: number,
  plus: boolean,
  out: Float64Array,
  dm: number,
  from: number,
  to: number,
): number {
  let previousHigh = highs[from - 1]!;
  let previousLow = lows[from - 1]!;
  for (let i = from; i < to; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    const up = high - previousHigh;
    const down = previousLow - low;
    previousHigh = high;
    previousLow = low;
    let move = plus ? Number(up > down) * Number(up > 0) * up : Number(down > up) * Number(down > 0) * down;
    if (Number.isNaN(move)) move = 0;
    dm = dm * keep + move;
    out[i] = dm;
  }
  return dm;
}
