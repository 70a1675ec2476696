/** Test-only helpers for the ML tests: XGBoost presence and small seeded candle series. */

import type { CandleSeries } from "../../domain/candles.js";
import { randomBars } from "../../indicators/testing/random-bars.js";
import { skipOrFailInCi } from "../../indicators/testing/reference-data.js";
import { xgboostStatus } from "./xgboost-native.js";

/** True when libxgboost loads; otherwise warns (tests skip) or, with CI=true, throws. */
export function xgboostPresent(): boolean {
  const status = xgboostStatus();
  if (status.available) return true;
  skipOrFailInCi(`[ml] ${status.reason}`);
  return false;
}

/** `length` hourly bars of a seeded random walk as a CandleSeries. */
export function hourlyCandles(length: number, seed = 7, symbol = "TEST/USDT"): CandleSeries {
  const bars = randomBars(length, seed);
  return {
    symbol,
    timeframe: undefined,
    time: Float64Array.from({ length }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000),
    open: Float64Array.from(bars.close, (close, i) => (i === 0 ? close : (bars.close[i - 1] as number))),
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
    length,
  };
}
