import type { CandleSeries } from "../../domain/candles.js";
import { createRandom } from "../../domain/random.js";

const HOUR = 3_600_000;

/** Hourly candles from closes: open = previous close, high/low 0.1 % around the bar, constant volume. */
export function candlesFromCloses(closes: readonly number[], symbol = "TEST/USDT"): CandleSeries {
  const n = closes.length;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = Float64Array.from(closes);
  const volume = new Float64Array(n).fill(100);
  for (let i = 0; i < n; i++) {
    time[i] = Date.UTC(2024, 0, 1) + i * HOUR;
    open[i] = i === 0 ? (close[0] as number) : (close[i - 1] as number);
    high[i] = Math.max(open[i] as number, close[i] as number) * 1.001;
    low[i] = Math.min(open[i] as number, close[i] as number) * 0.999;
  }
  return { symbol, timeframe: "1h", time, open, high, low, close, volume, length: n };
}

/**
 * A market of alternating trends: up 0.6 % a bar for 40–80 bars, then down as much for 40–80 bars, with a little
 * noise. Buy-and-hold earns about nothing; following the trend earns a lot. The task a DQN must learn.
 */
export function trendingCloses(length: number, seed: number): number[] {
  const random = createRandom(seed);
  const closes: number[] = [];
  let price = 100;
  let direction = 1;
  let left = random.int(40, 80);
  for (let i = 0; i < length; i++) {
    if (left-- === 0) {
      direction = -direction;
      left = random.int(40, 80);
    }
    price *= 1 + direction * 0.006 + random.normal(0, 0.001);
    closes.push(price);
  }
  return closes;
}
