import type { Candle } from "../../domain/candles.js";
import type { OrderBook, PublicTrade } from "./order-book.js";

export interface FeedHandlers {
  /** A bar has closed (delivered once, oldest first per symbol, gaps back-filled after a reconnect). */
  onClosedBar(symbol: string, bar: Candle): void;
  /** The still-forming bar changed; it may update a live view, never a decision. */
  onFormingBar?(symbol: string, bar: Candle): void;
  /**
   * Best bid and ask, where the feed has a book; NaN on a side whose levels are not all finite positive prices
   * (the feed monitor flags either a crossed or a non-finite book).
   */
  onBook?(symbol: string, bestBid: number, bestAsk: number): void;
  /** The whole book (valid levels only), where the feed watches books: paper fills walk it. */
  onOrderBook?(symbol: string, book: OrderBook): void;
  /** Public trades, oldest first, each once, where the feed watches trades. */
  onTrade?(symbol: string, trade: PublicTrade): void;
  /** The connection failed or recovered; the feed keeps retrying with backoff on its own. */
  onStatus?(status: { connected: boolean; reason: string }): void;
}

/**
 * Market data for the runtime: CCXT WebSocket or REST polling against an exchange, the local simulated exchange,
 * or a replay in tests. The runtime only needs closed bars, history for warm-up, and to stop it.
 */
export interface MarketFeed {
  /** Closed bars of `symbol` opening at or after `since`, oldest first, at most `limit`. */
  history(symbol: string, since: number, limit: number): Promise<Candle[]>;
  /** Starts delivering; bars closing after `after` only (those before came through `history`). */
  start(symbols: readonly string[], after: Readonly<Record<string, number>>, handlers: FeedHandlers): void;
  close(): Promise<void>;
  /**
   * When the bar of `symbol` opening at `barTime` closes, where that is not one bar length later: a daily stock bar
   * closes with its session (16:00 New York, 13:00 on early closes). The time step of the bar closes then too.
   * Undefined (or no method): one bar length after `barTime`.
   */
  barClose?(symbol: string, barTime: number): number | undefined;
}
