/**
 * TA-Lib's directional movement (Wilder) arithmetic, shared by PLUS_DI, MINUS_DI, DX and ADX in adx.ts.
 * Not part of the public index; adx.ts re-exports the public functions.
 */
import { CHUNK_LENGTH, isZero, trueRangeOf } from "./talib-conventions.js";

/** Output arrays to fill (null: not wanted); each has the input's length and NaN in its warm-up. */
interface DirectionalOutputs {
  plusDi: Float64Array | null;
  minusDi: Float64Array | null;
  dx: Float64Array | null;
  adx: Float64Array | null;
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

/**
 * One pass over the bars reproducing TA-Lib (period >= 2), filling each output array that is not null.
 * DM and TR are summed over bars 1..period-1, then Wilder-smoothed as `x = x - x / period + new`.
 * DI (from index period) is 100 × DM / TR, 0 when TR ~ 0. DX is 100 × |DI- − DI+| / (DI- + DI+); TA-Lib's DX
 * repeats its previous value (0 at first) when TR or the DI sum is ~0, while ADX instead skips such bars: it
 * averages the DX of bars period..2·period-1 (dividing by period) and then smooths adx = (adx × (period − 1) + dx) / period.
 */
export function directionalPass(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  period: number,
  plusDi: Float64Array | null,
  minusDi: Float64Array | null,
  dx: Float64Array | null,
  adx: Float64Array | null,
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
    if (down > 0 && up < down) minusDm += down;
    else if (up > 0 && up > down) plusDm += up;
    range += trueRangeOf(high, low, previousClose);
    previousHigh = high;
    previousLow = low;
    previousClose = closes[i]!;
  }
  const state = Float64Array.of(previousHigh, previousLow, previousClose, plusDm, minusDm, range, 0, 0, 0);
  const outputs: DirectionalOutputs = { plusDi, minusDi, dx, adx };
  for (let from = period; from < length; from += CHUNK_LENGTH) {
    directionalChunk(highs, lows, closes, period, outputs, state, from, Math.min(length, from + CHUNK_LENGTH));
  }
}

/** Processes bars [from, to) from `state` (see the indices above), updating it in place. */
function directionalChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  period: number,
  outputs: DirectionalOutputs,
  state: Float64Array,
  from: number,
  to: number,
): void {
  const { plusDi: plusDiOut, minusDi: minusDiOut, dx: dxOut, adx: adxOut } = outputs;
  const previousWeight = period - 1;
  const adxStart = 2 * period - 1;
  let previousHigh = state[HIGH]!;
  let previousLow = state[LOW]!;
  let previousClose = state[CLOSE]!;
  let plusDm = state[PLUS_DM]!;
  let minusDm = state[MINUS_DM]!;
  let range = state[RANGE]!;
  let sumDx = state[SUM_DX]!;
  let adx = state[ADX]!;
  let lastDx = state[LAST_DX]!;
  for (let i = from; i < to; i++) {
    const high = highs[i]!;
    const low = lows[i]!;
    const up = high - previousHigh;
    const down = previousLow - low;
    const trueRange = trueRangeOf(high, low, previousClose);
    previousHigh = high;
    previousLow = low;
    previousClose = closes[i]!;
    minusDm -= minusDm / period;
    plusDm -= plusDm / period;
    if (down > 0 && up < down) minusDm += down;
    else if (up > 0 && up > down) plusDm += up;
    range = range - range / period + trueRange;
    let plusDi = 0;
    let minusDi = 0;
    let dx = 0;
    let valid = false;
    if (!isZero(range)) {
      minusDi = 100 * (minusDm / range);
      plusDi = 100 * (plusDm / range);
      const sum = minusDi + plusDi;
      if (!isZero(sum)) {
        dx = 100 * (Math.abs(minusDi - plusDi) / sum);
        valid = true;
      }
    }
    if (plusDiOut !== null) plusDiOut[i] = plusDi;
    if (minusDiOut !== null) minusDiOut[i] = minusDi;
    if (dxOut !== null) {
      if (valid) lastDx = dx;
      dxOut[i] = lastDx;
    }
    if (adxOut === null) continue;
    if (i > adxStart) {
      if (valid) adx = (adx * previousWeight + dx) / period;
      adxOut[i] = adx;
    } else {
      if (valid) sumDx += dx;
      if (i === adxStart) {
        adx = sumDx / period;
        adxOut[i] = adx;
      }
    }
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
