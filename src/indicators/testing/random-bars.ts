/**
 * Test-only: long seeded OHLCV series for checking the batch kernels against bar-by-bar references across their
 * chunk and block boundaries (the real data sets are a few thousand bars; the kernels chunk at ~4096).
 */

/** Mulberry32: uniform numbers in [0, 1), the same sequence for the same seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface RandomBars {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/**
 * A random walk of `length` bars from 100: high/low wrap open and close, volume has bursts and zeros. Every 500 bars
 * a 60-bar stretch is perfectly flat (high = low = close, volume 0 in its second half), the case where TA-Lib's
 * zero-range and rounding conventions show.
 */
export function randomBars(length: number, seed = 7): RandomBars {
  const random = seeded(seed);
  const bars: RandomBars = {
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
  let price = 100;
  for (let i = 0; i < length; i++) {
    const flat = i % 500 >= 440;
    const open = price;
    const close = flat ? open : open * (1 + (random() - 0.5) * 0.02);
    bars.close[i] = close;
    bars.high[i] = flat ? open : Math.max(open, close) * (1 + random() * 0.004);
    bars.low[i] = flat ? open : Math.min(open, close) * (1 - random() * 0.004);
    bars.volume[i] = flat && i % 500 >= 470 ? 0 : 100 + random() * 1000 * (random() < 0.05 ? 10 : 1);
    price = close;
  }
  return bars;
}

/** A seeded series of `length` values that crosses zero, for rolling max/min. */
export function randomSeries(length: number, seed = 11): Float64Array {
  const random = seeded(seed);
  const values = new Float64Array(length);
  let value = 0;
  for (let i = 0; i < length; i++) {
    value += random() - 0.5;
    values[i] = value;
  }
  return values;
}
