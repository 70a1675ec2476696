import type { CandleSeries } from "../../../domain/candles.js";
import { createRandom } from "../../../domain/random.js";

/**
 * Hourly bars for the evolver's proofs. With `edge` > 0, a real and learnable edge is planted: for `hold` bars after
 * a close above the highest high of the previous `channel` bars, each bar drifts up by `edge` (down after a close
 * below the lowest low), on top of Gaussian noise of `volatility` per bar. With `edge` = 0 the bars are pure noise:
 * no rule can predict them.
 */
export function syntheticHourlyBars(options: {
  seed: number;
  bars: number;
  edge: number;
  volatility?: number;
  channel?: number;
  hold?: number;
}): CandleSeries {
  const { bars, edge } = options;
  const volatility = options.volatility ?? 0.004;
  const channel = options.channel ?? 20;
  const hold = options.hold ?? 8;
  const random = createRandom(options.seed);
  const time = new Float64Array(bars);
  const open = new Float64Array(bars);
  const high = new Float64Array(bars);
  const low = new Float64Array(bars);
  const close = new Float64Array(bars);
  const volume = new Float64Array(bars);
  let price = 100;
  let drift = 0;
  let left = 0;
  for (let i = 0; i < bars; i++) {
    const o = price;
    const c = o * Math.exp((left > 0 ? drift : 0) + random.normal(0, volatility));
    if (left > 0) left--;
    const wick = () => Math.abs(random.normal(0, volatility / 2));
    time[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + wick());
    low[i] = Math.min(o, c) * (1 - wick());
    volume[i] = 100 + random.uniform(0, 50);
    price = c;
    if (edge > 0 && i >= channel) {
      let top = Number.NEGATIVE_INFINITY;
      let bottom = Number.POSITIVE_INFINITY;
      for (let k = i - channel; k < i; k++) {
        top = Math.max(top, high[k] as number);
        bottom = Math.min(bottom, low[k] as number);
      }
      if (c > top) [drift, left] = [edge, hold];
      else if (c < bottom) [drift, left] = [-edge, hold];
    }
  }
  return { symbol: "SYN/USD", timeframe: "1h", time, open, high, low, close, volume, length: bars };
}
