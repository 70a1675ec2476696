/**
 * The permutation baseline of the RL agents: a copy of the series whose bars [from, to) are shuffled as
 * *relative moves*. Each bar is the tuple (log close-to-close return, open gap, high and low relative to its close,
 * volume); a seeded Fisher–Yates shuffle reorders the tuples and the prices are rebuilt from the close before
 * `from`. So every bar stays a valid OHLC bar, the window has the same distribution of returns and the same total
 * return (a sum of log returns does not depend on order, so the close at `to - 1` is the real one up to rounding),
 * but any order in time (trends, volatility clusters, indicator-to-return relations) is destroyed. An agent trained
 * on it can only learn what the return distribution alone gives; what the real agent earns above that is what it
 * learned from the order of the bars. Times, the bars outside [from, to) and everything else are unchanged.
 */
import type { CandleSeries } from "../../domain/candles.js";
import { createRandom } from "../../domain/random.js";

export function permuteBars(candles: CandleSeries, from: number, to: number, seed: number): CandleSeries {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to <= candles.length && from < to)) {
    throw new RangeError(`permuteBars: need 1 <= from < to <= ${candles.length}, got [${from}, ${to})`);
  }
  const { open, high, low, close, volume } = candles;
  const order = Array.from({ length: to - from }, (_, k) => from + k);
  createRandom(seed).shuffle(order);
  const out = {
    ...candles,
    open: Float64Array.from(open),
    high: Float64Array.from(high),
    low: Float64Array.from(low),
    close: Float64Array.from(close),
    volume: Float64Array.from(volume),
  };
  let previous = close[from - 1] as number;
  for (let k = 0; k < order.length; k++) {
    const j = order[k] as number;
    const before = close[j - 1] as number;
    const c = close[j] as number;
    const next = previous * (c / before);
    const i = from + k;
    out.close[i] = next;
    out.open[i] = previous * ((open[j] as number) / before);
    out.high[i] = next * ((high[j] as number) / c);
    out.low[i] = next * ((low[j] as number) / c);
    out.volume[i] = volume[j] as number;
    previous = next;
  }
  return out;
}
