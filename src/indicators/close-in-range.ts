/**
 * Where the close sits in its rolling high-low range, in TA-Lib's two flavours: the stochastic's fast %K
 * (0 at the lowest low, 100 at the highest high) and Williams %R (-100 at the lowest low, 0 at the highest high).
 * Both read 0 on a flat range, as in TA-Lib, and use TA-Lib's exact arithmetic. Not exported from the package index.
 *
 * One pass: the highest high and lowest low come from the van Herk / Gil-Werman block algorithm (see
 * window-extremes.ts) fused with the formula, so no full-length temporary arrays are written.
 */

/** TA-Lib STOCH's fast %K: the divisor is (highest - lowest) / 100. */
export function fastKOf(close: number, highest: number, lowest: number): number {
  const diff = (highest - lowest) / 100;
  return diff !== 0 ? (close - lowest) / diff : 0;
}

/** TA-Lib WILLR: the divisor is (highest - lowest) / -100. */
export function williamsROf(close: number, highest: number, lowest: number): number {
  const diff = (highest - lowest) / -100;
  return diff !== 0 ? (highest - close) / diff : 0;
}

/**
 * Writes fast %K (`williams` false) or Williams %R (`williams` true) over `period` bars into `out` from index
 * `period - 1` on; earlier indices are left untouched. `out` must not alias the inputs.
 */
export function closeInRangeInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  williams: boolean,
  out: Float64Array,
): void {
  const length = high.length;
  if (length < period) return;
  let top = high[0]!;
  let bottom = low[0]!;
  for (let i = 1; i < period; i++) {
    top = Math.max(top, high[i]!);
    bottom = Math.min(bottom, low[i]!);
  }
  const first = period - 1;
  out[first] = williams ? williamsROf(close[first]!, top, bottom) : fastKOf(close[first]!, top, bottom);
  // suffix*[k]: extreme of the previous block from its k-th bar on; index `period` is a neutral sentinel.
  const suffixHigh = new Float64Array(period + 1);
  const suffixLow = new Float64Array(period + 1);
  suffixHigh[period] = Number.NEGATIVE_INFINITY;
  suffixLow[period] = Number.POSITIVE_INFINITY;
  for (let start = period; start < length; start += period) {
    const previous = start - period;
    top = high[start - 1]!;
    bottom = low[start - 1]!;
    suffixHigh[period - 1] = top;
    suffixLow[period - 1] = bottom;
    for (let k = period - 2; k > 0; k--) {
      top = Math.max(top, high[previous + k]!);
      bottom = Math.min(bottom, low[previous + k]!);
      suffixHigh[k] = top;
      suffixLow[k] = bottom;
    }
    const end = Math.min(start + period, length);
    top = high[start]!;
    bottom = low[start]!;
    for (let i = start, k = 1; i < end; i++, k++) {
      top = Math.max(top, high[i]!);
      bottom = Math.min(bottom, low[i]!);
      const highest = Math.max(suffixHigh[k]!, top);
      const lowest = Math.min(suffixLow[k]!, bottom);
      out[i] = williams ? williamsROf(close[i]!, highest, lowest) : fastKOf(close[i]!, highest, lowest);
    }
  }
}
