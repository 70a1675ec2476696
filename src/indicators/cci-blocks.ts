/**
 * The batch loop of CCI (see cci.ts for the arithmetic it reproduces). Not part of the public index.
 *
 * TA-Lib's mean sums the ring slots from slot 0, so for bar s of a block of `period` bars (block start a multiple of
 * period) it is: the bars of its own block up to s, in order (a running prefix), then the bars s+1..period−1 of the
 * previous block. Done bar by bar that is a chain of up to `period` dependent additions. Here four consecutive bars
 * advance their chains together over the shared part of the previous block, and their deviation sums likewise share
 * each load: four independent chains at once, with every addition in the same order as the bar-by-bar form (so the
 * values are CciStream's, bit for bit). Measured ~2× faster than bar by bar.
 */
import { CHUNK_LENGTH } from "./talib-conventions.js";

/**
 * TA-Lib's CCI, distance / (0.015 × (deviation / period)), from the newest typical price, the mean, the sum of
 * absolute deviations and `scale` = 0.015 / period: one division instead of two (a few ulps from TA-Lib's).
 */
export function cciOf(last: number, mean: number, deviation: number, scale: number): number {
  const distance = last - mean;
  return distance !== 0 && deviation !== 0 ? distance / (deviation * scale) : 0;
}

/** Writes CCI(period) into out[period − 1 ..] (length >= period). */
export function cciBlocks(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  period: number,
  out: Float64Array,
): void {
  const length = highs.length;
  const chunk = Math.max(1, Math.floor(CHUNK_LENGTH / period)) * period;
  // The previous block, then a chunk of blocks.
  const typical = new Float64Array(period + chunk);
  // The first block has no previous one: its only output is its last bar, whose window is the block itself.
  let sum = 0;
  for (let i = 0; i < period; i++) {
    typical[i] = (highs[i]! + lows[i]! + closes[i]!) / 3;
    sum += typical[i]!;
  }
  const mean = sum / period;
  let deviation = 0;
  for (let i = 0; i < period; i++) deviation += Math.abs(typical[i]! - mean);
  out[period - 1] = cciOf(typical[period - 1]!, mean, deviation, 0.015 / period);
  for (let from = period; from < length; from += chunk) {
    const to = Math.min(length, from + chunk);
    blocksChunk(highs, lows, closes, period, typical, out, from, to);
    // The chunk's last block (at typical[period + to − period − from]) is the previous block of the next chunk.
    typical.copyWithin(0, to - from, to - from + period);
  }
}

/** Bars [from, to) in whole blocks (`from` a multiple of period; `to` too unless it is the input's end). */
function blocksChunk(
  highs: Float64Array,
  lows: Float64Array,
  closes: Float64Array,
  period: number,
  typical: Float64Array,
  out: Float64Array,
  from: number,
  to: number,
): void {
  const scale = 0.015 / period;
  for (let start = from; start < to; start += period) {
    const count = Math.min(period, to - start);
    // typical[base + k]: the previous block's bar k for k < period, this block's bar k − period after.
    const base = start - from;
    // TA-Lib's running sum of this block's bars up to the current one.
    let prefix = 0;
    let s = 0;
    for (; s + 3 < count; s += 4) {
      const at = base + s;
      const i = start + s;
      const price0 = (highs[i]! + lows[i]! + closes[i]!) / 3;
      const price1 = (highs[i + 1]! + lows[i + 1]! + closes[i + 1]!) / 3;
      const price2 = (highs[i + 2]! + lows[i + 2]! + closes[i + 2]!) / 3;
      const price3 = (highs[i + 3]! + lows[i + 3]! + closes[i + 3]!) / 3;
      const end = at + period + 1;
      typical[end - 1] = price0;
      typical[end] = price1;
      typical[end + 1] = price2;
      typical[end + 2] = price3;
      let sum0 = prefix + price0;
      let sum1 = sum0 + price1;
      let sum2 = sum1 + price2;
      let sum3 = sum2 + price3;
      prefix = sum3;
      sum0 += typical[at + 1]!;
      sum0 += typical[at + 2]!;
      sum0 += typical[at + 3]!;
      sum1 += typical[at + 2]!;
      sum1 += typical[at + 3]!;
      sum2 += typical[at + 3]!;
      for (let k = at + 4; k < base + period; k++) {
        const price = typical[k]!;
        sum0 += price;
        sum1 += price;
        sum2 += price;
        sum3 += price;
      }
      const mean0 = sum0 / period;
      const mean1 = sum1 / period;
      const mean2 = sum2 / period;
      const mean3 = sum3 / period;
      // Bar s + q's window is typical[at + q + 1 .. at + q + period], summed oldest first.
      let deviation0 = Math.abs(typical[at + 1]! - mean0) + Math.abs(typical[at + 2]! - mean0);
      deviation0 += Math.abs(typical[at + 3]! - mean0);
      let deviation1 = Math.abs(typical[at + 2]! - mean1) + Math.abs(typical[at + 3]! - mean1);
      let deviation2 = Math.abs(typical[at + 3]! - mean2);
      let deviation3 = 0;
      for (let k = at + 4; k < end; k++) {
        const price = typical[k]!;
        deviation0 += Math.abs(price - mean0);
        deviation1 += Math.abs(price - mean1);
        deviation2 += Math.abs(price - mean2);
        deviation3 += Math.abs(price - mean3);
      }
      deviation1 += Math.abs(price1 - mean1);
      deviation2 += Math.abs(price1 - mean2);
      deviation2 += Math.abs(price2 - mean2);
      deviation3 += Math.abs(price1 - mean3);
      deviation3 += Math.abs(price2 - mean3);
      deviation3 += Math.abs(price3 - mean3);
      out[i] = cciOf(price0, mean0, deviation0, scale);
      out[i + 1] = cciOf(price1, mean1, deviation1, scale);
      out[i + 2] = cciOf(price2, mean2, deviation2, scale);
      out[i + 3] = cciOf(price3, mean3, deviation3, scale);
    }
    for (; s < count; s++) {
      const at = base + s;
      const i = start + s;
      const price = (highs[i]! + lows[i]! + closes[i]!) / 3;
      typical[at + period] = price;
      prefix += price;
      let sum = prefix;
      for (let k = at + 1; k < base + period; k++) sum += typical[k]!;
      const mean = sum / period;
      let deviation = 0;
      for (let k = at + 1; k <= at + period; k++) deviation += Math.abs(typical[k]! - mean);
      out[i] = cciOf(price, mean, deviation, scale);
    }
  }
}
