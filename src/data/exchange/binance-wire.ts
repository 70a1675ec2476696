/**
 * Pieces of Binance's wire format shared by the local Binance stand-ins (the download tests' fake server and the
 * simulated exchange): the kline intervals Binance accepts and one kline row in Binance's array format.
 */
import type { Candle } from "../../domain/candles.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";

/** Intervals Binance accepts for klines, in milliseconds. */
export const BINANCE_INTERVAL_MS: Readonly<Record<string, number>> = { "1s": 1_000, ...TIMEFRAMES };

/**
 * One kline in Binance's array format. Prices and volumes go out as 8-decimal strings like Binance's; values with
 * at most 8 decimals therefore parse back to exactly the same doubles.
 */
export function binanceKlineRow(candle: Candle, intervalMs: number): unknown[] {
  const quoteVolume = candle.close * candle.volume;
  return [
    candle.time,
    binanceDecimal(candle.open),
    binanceDecimal(candle.high),
    binanceDecimal(candle.low),
    binanceDecimal(candle.close),
    binanceDecimal(candle.volume),
    candle.time + intervalMs - 1,
    binanceDecimal(quoteVolume),
    Math.round(candle.volume * 7) + 1,
    binanceDecimal(candle.volume / 2),
    binanceDecimal(quoteVolume / 2),
    "0",
  ];
}

/** A number as Binance writes it: a string with 8 decimals. */
export function binanceDecimal(value: number): string {
  return Number.isFinite(value) ? value.toFixed(8) : String(value);
}
