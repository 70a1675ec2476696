/**
 * The public trades of the simulated exchange: one trade per market second, at the tape's price of that second, so
 * that REST (`/api/v3/aggTrades`, `/api/v3/trades`, their `/fapi/v1` twins) and the WebSocket `@trade`/`@aggTrade`
 * streams tell the same story as the klines. A trade's id is its second since the epoch, so REST and streams agree on
 * ids without shared state; its quantity is the minute bar's volume spread over its sixty seconds.
 */
import { binanceDecimal } from "../../data/exchange/binance-wire.js";
import type { MarketTape } from "./market-tape.js";
import type { SimVenue } from "./sim-markets.js";
import { stepDecimals } from "./sim-markets.js";

export const TRADE_EVERY_MS = 1_000;

export interface SimTrade {
  readonly id: number;
  readonly time: number;
  readonly price: number;
  readonly quantity: number;
  /** The seller took liquidity (the price ticked down or stayed), as Binance's `m`. */
  readonly buyerMaker: boolean;
}

/** The trade printed in the second that starts at or before `time`, or undefined outside the tape. */
export function tradeAt(tape: MarketTape, time: number, stepSize: number): SimTrade | undefined {
  const second = Math.floor(time / TRADE_EVERY_MS) * TRADE_EVERY_MS;
  if (second < tape.startTime || second >= tape.endTime) return undefined;
  const price = tape.priceAt(second);
  const previous = tape.priceAt(second - TRADE_EVERY_MS);
  const bar = tape.series.volume[tape.barIndex(second)] ?? 0;
  const decimals = stepDecimals(stepSize);
  const quantity = Math.max(stepSize, Number((bar / 60).toFixed(decimals)));
  return { id: second / TRADE_EVERY_MS, time: second, price, quantity, buyerMaker: price <= previous };
}

/** Trades with times in [from, to], oldest first, at most the last `limit` of them. */
export function tradesBetween(tape: MarketTape, from: number, to: number, stepSize: number, limit: number): SimTrade[] {
  const first = Math.max(Math.ceil(from / TRADE_EVERY_MS) * TRADE_EVERY_MS, tape.startTime);
  const lastSecond = Math.min(Math.floor(to / TRADE_EVERY_MS) * TRADE_EVERY_MS, tape.endTime - TRADE_EVERY_MS);
  const start = Math.max(first, lastSecond - (limit - 1) * TRADE_EVERY_MS);
  const out: SimTrade[] = [];
  for (let t = start; t <= lastSecond; t += TRADE_EVERY_MS) {
    const trade = tradeAt(tape, t, stepSize);
    if (trade) out.push(trade);
  }
  return out;
}

/** A row of `GET /api/v3/aggTrades` (spot has `M`, futures does not). */
export function aggTradeRow(trade: SimTrade, venue: SimVenue): Record<string, unknown> {
  const row: Record<string, unknown> = {
    a: trade.id,
    p: binanceDecimal(trade.price),
    q: binanceDecimal(trade.quantity),
    f: trade.id,
    l: trade.id,
    T: trade.time,
    m: trade.buyerMaker,
  };
  if (venue === "spot") row["M"] = true;
  return row;
}

/** A row of `GET /api/v3/trades` (spot has `isBestMatch`, futures does not). */
export function recentTradeRow(trade: SimTrade, venue: SimVenue): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: trade.id,
    price: binanceDecimal(trade.price),
    qty: binanceDecimal(trade.quantity),
    quoteQty: binanceDecimal(trade.price * trade.quantity),
    time: trade.time,
    isBuyerMaker: trade.buyerMaker,
  };
  if (venue === "spot") row["isBestMatch"] = true;
  return row;
}

/** The `@trade` or `@aggTrade` stream event of `trade`, in Binance's spot or futures shape. */
export function tradeEvent(
  symbol: string,
  trade: SimTrade,
  channel: "trade" | "aggTrade",
  venue: SimVenue,
  eventTime: number,
) {
  const base = {
    E: eventTime,
    s: symbol,
    p: binanceDecimal(trade.price),
    q: binanceDecimal(trade.quantity),
    T: trade.time,
    m: trade.buyerMaker,
  };
  if (channel === "trade")
    return { e: "trade", ...base, t: trade.id, ...(venue === "spot" ? { M: true } : { X: "MARKET" }) };
  return { e: "aggTrade", ...base, a: trade.id, f: trade.id, l: trade.id, ...(venue === "spot" ? { M: true } : {}) };
}
