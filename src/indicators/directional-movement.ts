/**
 * TA-Lib's directional movement (Wilder) arithmetic, shared by PLUS_DM, MINUS_DM, PLUS_DI, MINUS_DI, DX and ADX in
 * adx.ts and by AdxStream. Not part of the public index; adx.ts re-exports the public functions.
 *
 * Equal to TA-Lib within a few ulps rather than bit for bit: TA-Lib divides by the period on every bar
 * (`x - x / period + new`, `(adx × (period − 1) + dx) / period`), a ~13-cycle division on each smoothing's
 * loop-carried chain. Multiplying by precomputed factors shortens those chains to a multiply and an add (measured
 * ~2× faster on DX/ADX); the smoothings are contractions, so the rounding differences stay at ~1e-15 relative.
 */
import { CHUNK_LENGTH, isZero, TALIB_EPSILON, trueRangeOf } from "./talib-conventions.js";

/** Multipliers replacing TA-Lib's divisions by the period: `keep` = (period − 1) / period, `share` = 1 / period. */
export interface WilderFactors {
  keep: number;
  share: number;
}

export function wilderFactors(period: number): WilderFactors {
  return { keep: (period - 1) / period, share: 1 / period };
}

/**
 * The +DM move of a bar: `up` (high − previous high) when up > 0 and up > down (previous low − low), else 0, as in
 * TA-Lib; NaN when `up` is NaN. Number(comparison) compiles to a flag instead of a branch: an `if` on these
 * comparisons mispredicts on about half the bars of a price series (measured ~3× slower on the DM smoothing).
 */
export function plusMoveOf(up: number, down: number): number {
  return Number(up > down) * Number(up > 0) * up;
}

/** The −DM move of a bar: `down` when down > 0 and down > up, else 0 (TA-Lib); NaN when `down` is NaN. */
export function minusMoveOf(up: number, down: number): number {
  return Number(down > up) * Number(down > 0) * down;
}

/** What {@link dxOf} returns for a bar TA-Lib skips (a real DX is never negative). */
export const SKIPPED_DX = -1;

/**
 * DX from the smoothed ±DM and TR: 100 × |−DI − +DI| / (−DI + +DI), or SKIPPED_DX when TR or the DI sum is ~0.
 * The range cancels out of the ratio, and the DI-sum test 100 × (DM+ + DM−) / TR < ε is made as a product: one
 * division per bar instead of three. A NaN high or low makes the DMs NaN as well as TR (see plusMoveOf), so NaN
 * propagates without a check of its own (measured: an explicit NaN test cost ~3 ns per bar).
 */
export function dxOf(plusDm: number, minusDm: number, range: number): number {
  const sum = minusDm + plusDm;
  // DMs are >= 0 and TR >= 0, so only the upper bound of TA_IS_ZERO can apply to the DI sum.
  if (isZero(range) || sum * 100 < TALIB_EPSILON * range) return SKIPPED_DX;
  return (100 * Math.abs(minusDm - plusDm)) / sum;
}

/** +DI or −DI from a smoothed DM and TR: 100 × DM / TR, 0 when TR ~ 0 (TA-Lib). */
export function diOf(dm: number, range: number): number {
  return isZero(range) ? 0 : dm * (100 / range);
}

// Indices into the state carried from chunk to chunk.
const HIGH = 0;
const LOW = 1;
const CLOSE = 2;
const PLUS_DM = 3;
const MINUS_DM = 4;
const RANGE = 5;
const SUM_DX = 6;
const ADX = 7;
const LAST_DX = 8;

/** Which output a {@link directionalPass} fills. */
export const PLUS_DI_OUTPUT = 0;
export const MINUS_DI_OUTPUT = 1;
export const DX_OUTPUT = 2;
export const ADX_OUTPUT = 3;

/**
 * One pass over the bars reproducing TA-Lib (period >= 2) for one output (PLUS_DI_OUTPUT … ADX_OUTPUT), written into
 * `out` from its first valid index on. DM and TR are summed over bars 1..period-1, then Wilder-smoothed. DI (from
 * index period) is 100 × DM / TR, 0 when TR ~ 0. DX is 100 × |DI- − DI+| / (DI- + DI+); TA-Lib's DX repeats its
 * previous value (0 at first) when TR or the DI sum is ~0, while ADX instead skips such bars: it averages the DX of
 * bars period..2·period-1 and then smooths adx = (adx × (period − 1) + dx) / period.
 */
export function directionalPass(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  period: number,
  output: number,
  out: Float64Array,
): void {
  const length = highs.length;
  if (length <= period) return;
  let previousHigh = highs[0]!;
  let previousLow = lows[0]!;
  let previousClose = closes[0]!;
  let plusDm = 0;
  let minusDm = 0;
  let range = 0;
  for (let i = 1; i < period; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    const up = high - previousHigh;
    const down = previousLow - low;
    plusDm += plusMoveOf(up, down);
    minusDm += minusMoveOf(up, down);
    range += trueRangeOf(high, low, previousClose);
    previousHigh = high;
    previousLow = low;
    previousClose = closes[i]!;
  }
  const state = Float64Array.of(previousHigh, previousLow, previousClose, plusDm, minusDm, range, 0, 0, 0);
  const factors = wilderFactors(period);
  // The ADX seed needs DX from index period on; a separate first chunk keeps the seeding branch out of the kernel.
  const adxStart = 2 * period - 1;
  let from = period;
  if (output === ADX_OUTPUT) {
    const seedEnd = Math.min(length, adxStart + 1);
    smoothChunk(highs, lows, closes, factors, output, out, state, from, seedEnd, true);
    if (seedEnd > adxStart) out[adxStart] = state[SUM_DX]! / period;
    state[ADX] = out[adxStart]!;
    from = seedEnd;
  }
  for (; from < length; from += CHUNK_LENGTH) {
    smoothChunk(highs, lows, closes, factors, output, out, state, from, Math.min(length, from + CHUNK_LENGTH), false);
  }
}

/**
 * Processes bars [from, to) from `state` (see the indices above), updating it in place. `seeding`: the bars before
 * the first ADX, whose DX are summed instead of written.
 */
function smoothChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  { keep, share }: WilderFactors,
  output: number,
  out: Float64Array,
  state: Float64Array,
  from: number,
  to: number,
  seeding: boolean,
): void {
  let previousHigh = state[HIGH]!;
  let previousLow = state[LOW]!;
  let previousClose = state[CLOSE]!;
  let plusDm = state[PLUS_DM]!;
  let minusDm = state[MINUS_DM]!;
  let range = state[RANGE]!;
  let sumDx = state[SUM_DX]!;
  let adx = state[ADX]!;
  let lastDx = state[LAST_DX]!;
  // Module-level constants and helpers cost a load and a check per use in V8's optimized loop (measured ~40% of
  // this loop), so the kernel spells out trueRangeOf, plusMoveOf, minusMoveOf, diOf and dxOf with the same
  // operations in the same order as those helpers (AdxStream uses them; results are equal bit for bit).
  const epsilon = TALIB_EPSILON;
  const skipped = SKIPPED_DX;
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
    const rangeIsZero = -epsilon < range && range < epsilon;
    let di = 0;
    if (!rangeIsZero) di = plusDm * (100 / range);
    out[i] = di;
  }
  state[HIGH] = previousHigh;
  state[LOW] = previousLow;
  state[CLOSE] = previousClose;
  state[PLUS_DM] = plusDm;
  state[MINUS_DM] = minusDm;
  state[RANGE] = range;
  state[SUM_DX] = sumDx;
  state[ADX] = adx;
  state[LAST_DX] = lastDx;
}

/**
 * TA-Lib PLUS_DM (`plus`) or MINUS_DM for period >= 2, written into `out` from index period − 1 on: the sum of the
 * moves of bars 1..period−1, then dm = dm × keep + move. An up move (high − previous high) counts for +DM when it
 * is > 0 and larger than the down move (previous low − low), and vice versa.
 */
export function movementPass(
  highs: Float64Array,
  lows: Float64Array,
  period: number,
  plus: boolean,
  out: Float64Array,
): void {
  const length = highs.length;
  if (length < period) return;
  let dm = 0;
  for (let i = 1; i < period; i++) dm += moveOf(highs[i]! - highs[i - 1]!, lows[i - 1]! - lows[i]!, plus);
  out[period - 1] = dm;
  const { keep } = wilderFactors(period);
  for (let from = period; from < length; from += CHUNK_LENGTH) {
    dm = movementChunk(highs, lows, keep, plus, out, dm, from, Math.min(length, from + CHUNK_LENGTH));
  }
}

/** Writes out[from .. to − 1] continuing from the smoothed `dm` at from − 1; returns the value at to − 1. */
function movementChunk(
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
    dm = dm * keep + moveOf(up, down, plus);
    out[i] = dm;
  }
  return dm;
}

/** The +DM (`plus`) or −DM move of a bar, 0 for a NaN move: TA-Lib's comparisons skip a bar with a NaN high or low. */
function moveOf(up: number, down: number, plus: boolean): number {
  const move = plus ? plusMoveOf(up, down) : minusMoveOf(up, down);
  return Number.isNaN(move) ? 0 : move;
}
