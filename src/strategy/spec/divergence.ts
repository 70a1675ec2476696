import type { DivergenceKind } from "./schema.js";

/** A value `ago` bars back (0 = the bar that just closed); NaN before the first bar. */
export type Lookup = (ago: number) => number;

/**
 * Whether the bar `ago` bars back is a confirmed pivot of strength `pivot`: for a low, strictly below each of the
 * `pivot` bars before it and no higher than each of the `pivot` bars after it (a flat bottom counts once, at its
 * first bar); mirrored for a high. It needs `pivot` later bars, so only `ago >= pivot` can be one: a pivot is
 * known `pivot` bars after it happened, never earlier. NaN anywhere in the window means no pivot.
 */
export function isPivot(series: Lookup, ago: number, pivot: number, low: boolean): boolean {
  if (ago < pivot) return false;
  const value = series(ago);
  for (let i = 1; i <= pivot; i++) {
    const before = series(ago + i);
    const after = series(ago - i);
    if (low ? !(value < before && value <= after) : !(value > before && value >= after)) return false;
  }
  return true;
}

/**
 * Divergence between a price series and an oscillator at the current bar, using bars up to the current one only.
 *
 * Take the two most recent confirmed pivots of `price` (pivot lows for the bullish kinds, highs for the bearish
 * ones) found `pivot`..`lookback` bars back: the recent one at p2 and the one before it at p1 (both within
 * `lookback` bars). With P and O the price and the oscillator at those bars:
 * - bullish:        P[p2] < P[p1] and O[p2] > O[p1] (price makes a lower low, the oscillator a higher low);
 * - hiddenBullish:  P[p2] > P[p1] and O[p2] < O[p1] (higher low in price, lower low in the oscillator: the
 *                   uptrend continues while momentum resets);
 * - bearish:        P[p2] > P[p1] and O[p2] < O[p1] on pivot highs (higher high, lower oscillator high);
 * - hiddenBearish:  P[p2] < P[p1] and O[p2] > O[p1] on pivot highs.
 * The condition holds from the bar that confirms p2 until a newer pivot appears or p1 leaves the lookback.
 */
export function divergenceAt(
  price: Lookup,
  oscillator: Lookup,
  kind: DivergenceKind,
  lookback: number,
  pivot: number,
): boolean {
  const low = kind === "bullish" || kind === "hiddenBullish";
  let recent = -1;
  let older = -1;
  for (let ago = pivot; ago <= lookback; ago++) {
    if (!isPivot(price, ago, pivot, low)) continue;
    if (recent < 0) recent = ago;
    else {
      older = ago;
      break;
    }
  }
  if (older < 0) return false;
  const p2 = price(recent);
  const p1 = price(older);
  const o2 = oscillator(recent);
  const o1 = oscillator(older);
  switch (kind) {
    case "bullish":
    case "hiddenBearish":
      return p2 < p1 && o2 > o1;
    case "hiddenBullish":
    case "bearish":
      return p2 > p1 && o2 < o1;
  }
}

/** Bars of history a divergence reads beyond its series' own warm-up: the lookback plus the older pivot's left side. */
export function divergenceReach(lookback: number, pivot: number): number {
  return lookback + pivot;
}
