/**
 * TA-Lib's directional movement (Wilder) arithmetic, shared by PLUS_DM, MINUS_DM, PLUS_DI, MINUS_DI, DX and ADX in
 * adx.ts and by AdxStream; the batch loops are in directional-kernels.ts. Not part of the public index.
 *
 * Equal to TA-Lib within a few ulps rather than bit for bit: TA-Lib divides by the period on every bar
 * (`x - x / period + new`, `(adx × (period − 1) + dx) / period`), a ~13-cycle division on each smoothing's
 * loop-carried chain. Multiplying by precomputed factors shortens those chains to a multiply and an add; the
 * smoothings are contractions, so the rounding differences stay at ~1e-15 relative.
 */
import {
  adxChunk,
  type DirectionalState,
  diChunk,
  dxChunk,
  movementChunk,
  type SmoothingChunk,
} from "./directional-kernels.js";
import { chunkEnd, isZero, TALIB_EPSILON, trueRangeOf, wilderFactors } from "./talib-conventions.js";

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

/** +DI or −DI from a smoothed DM and TR: 100 × DM / TR, 0 when TR ~ 0 (TA-Lib). */
export function diOf(dm: number, range: number): number {
  return isZero(range) ? 0 : dm * (100 / range);
}

/**
 * True when TA-Lib computes a DX for the bar: TR and the DI sum 100 × (DM+ + DM−) / TR are not ~0. The DI-sum test
 * is made as a product (DMs are >= 0 and TR > 0 there, so only TA_IS_ZERO's upper bound can apply). A NaN high or
 * low makes the DMs NaN as well as TR (see plusMoveOf), so NaN reaches the DX without a test of its own.
 */
export function hasDx(plusDm: number, minusDm: number, range: number): boolean {
  return !isZero(range) && !((minusDm + plusDm) * 100 < TALIB_EPSILON * range);
}

/** DX from the smoothed ±DM: 100 × |−DI − +DI| / (−DI + +DI), with the TR cancelled out (one division, not three). */
export function dxOf(plusDm: number, minusDm: number): number {
  return (100 * Math.abs(minusDm - plusDm)) / (minusDm + plusDm);
}

/** Which output a {@link directionalPass} fills. */
export type DirectionalOutput = "plusDi" | "minusDi" | "dx" | "adx";

/**
 * Fills `out` with one output of TA-Lib's directional system (period >= 2) from its first valid index on.
 * DM and TR are summed over bars 1..period-1, then Wilder-smoothed. DI (from index period) is 100 × DM / TR, 0 when
 * TR ~ 0. DX is 100 × |DI- − DI+| / (DI- + DI+); TA-Lib's DX repeats its previous value (0 at first) when TR or the
 * DI sum is ~0, while ADX instead skips such bars: it averages the DX of bars period..2·period-1 and then smooths
 * adx = (adx × (period − 1) + dx) / period.
 */
export function directionalPass(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  period: number,
  output: DirectionalOutput,
  out: Float64Array,
): void {
  const length = highs.length;
  if (length <= period) return;
  const state: DirectionalState = {
    previousHigh: highs[0]!,
    previousLow: lows[0]!,
    previousClose: closes[0]!,
    plusDm: 0,
    minusDm: 0,
    range: 0,
    last: 0,
  };
  const factors = wilderFactors(period);
  for (let i = 1; i < period; i++) step(state, highs[i]!, lows[i]!, closes[i]!, 1);
  let from = period;
  let chunk: SmoothingChunk = output === "dx" ? dxChunk : diChunk;
  if (output === "adx") {
    // The seed, the mean DX of bars period..2·period−1, takes the helpers; the kernel only smooths.
    const seedEnd = Math.min(length, 2 * period);
    let sumDx = 0;
    for (; from < seedEnd; from++) {
      step(state, highs[from]!, lows[from]!, closes[from]!, factors.keep);
      if (hasDx(state.plusDm, state.minusDm, state.range)) sumDx += dxOf(state.plusDm, state.minusDm);
    }
    if (seedEnd < 2 * period) return;
    state.last = sumDx / period;
    out[seedEnd - 1] = state.last;
    chunk = adxChunk;
  }
  const plus = output === "plusDi";
  for (let start = from, end = from; start < length; start = end) {
    end = chunkEnd(from, start, length);
    chunk(highs, lows, closes, factors, plus, state, out, start, end);
  }
}

/** Advances `state` by one bar, multiplying the previous DM and TR by `smoothing` (1 while they are summed). */
function step(state: DirectionalState, high: number, low: number, close: number, smoothing: number): void {
  const up = high - state.previousHigh;
  const down = state.previousLow - low;
  state.plusDm = state.plusDm * smoothing + plusMoveOf(up, down);
  state.minusDm = state.minusDm * smoothing + minusMoveOf(up, down);
  state.range = state.range * smoothing + trueRangeOf(high, low, state.previousClose);
  state.previousHigh = high;
  state.previousLow = low;
  state.previousClose = close;
}

/**
 * TA-Lib PLUS_DM (`plus`) or MINUS_DM for period >= 2, written into `out` from index period − 1 on: the sum of the
 * moves of bars 1..period−1, then dm = dm × keep + move.
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
  for (let i = 1; i < period; i++) {
    const up = highs[i]! - highs[i - 1]!;
    const down = lows[i - 1]! - lows[i]!;
    const move = plus ? plusMoveOf(up, down) : minusMoveOf(up, down);
    // TA-Lib's comparisons skip a bar with a NaN high or low.
    if (!Number.isNaN(move)) dm += move;
  }
  out[period - 1] = dm;
  const { keep } = wilderFactors(period);
  for (let from = period, end = from; from < length; from = end) {
    end = chunkEnd(period, from, length);
    dm = movementChunk(highs, lows, keep, plus, out, dm, from, end);
  }
}
