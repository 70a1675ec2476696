import { describe, expect, it } from "vitest";
import { randomBars } from "../../indicators/testing/random-bars.js";
import { loadBtcHourly } from "../../indicators/testing/reference-data.js";
import { MARKET_FEATURES } from "./feature-names.js";
import { MarketFeatureStream } from "./market-feature-stream.js";
import { computeMarketFeatures, type FeatureCandles } from "./market-features.js";

const HOUR = 3_600_000;

function expectStreamEqualsBatch(candles: FeatureCandles): void {
  const batch = computeMarketFeatures(candles, HOUR);
  const stream = new MarketFeatureStream(HOUR);
  const mismatches: string[] = [];
  for (let i = 0; i < candles.close.length; i++) {
    const row = stream.update({
      time: candles.time[i] as number,
      high: candles.high[i] as number,
      low: candles.low[i] as number,
      close: candles.close[i] as number,
      volume: candles.volume[i] as number,
    });
    MARKET_FEATURES.forEach((name, c) => {
      const expected = batch[name][i] as number;
      const actual = row[c] as number;
      const same = Number.isNaN(expected)
        ? Number.isNaN(actual)
        : Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
      if (!same) mismatches.push(`${name} at ${i}: stream ${actual}, batch ${expected}`);
    });
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
}

describe("MarketFeatureStream", () => {
  it("equals the batch features bar for bar on a random walk with flat, zero-volume stretches", () => {
    const bars = randomBars(1200, 5);
    expectStreamEqualsBatch({ ...bars, time: Float64Array.from({ length: 1200 }, (_, i) => i * HOUR) });
  });

  it("equals the batch features bar for bar on real BTC/USDT 1h bars", () => {
    const btc = loadBtcHourly(1500);
    if (!btc) return; // loadBtcHourly has warned (or, with CI=true, thrown)
    expectStreamEqualsBatch({
      time: btc.timestamp as Float64Array,
      high: btc.high as Float64Array,
      low: btc.low as Float64Array,
      close: btc.close as Float64Array,
      volume: btc.volume as Float64Array,
    });
  });
});
