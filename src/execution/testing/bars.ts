import { type CandleSeries, seriesFromCandles } from "../../domain/candles.js";

/** A series from [open, high, low, close, volume?] rows, one hour apart from 2024-01-01, for scenario tests. */
export function bars(
  rows: readonly (readonly [number, number, number, number, number?])[],
  symbol = "TEST/USDT",
): CandleSeries {
  const start = Date.UTC(2024, 0, 1);
  return seriesFromCandles(
    symbol,
    "1h",
    rows.map(([open, high, low, close, volume], i) => ({
      time: start + i * 3_600_000,
      open,
      high,
      low,
      close,
      volume: volume ?? 1000,
    })),
  );
}
