import type { Clock } from "../../domain/clock.js";
import type { FeedHandlers, MarketFeed } from "./market-feed.js";
import type { OrderBook } from "./order-book.js";

/** The latest sound order book of each symbol and when it arrived, for paper fills that walk the book. */
export class OrderBookCache {
  readonly #books = new Map<string, { book: OrderBook; receivedAt: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  set(symbol: string, book: OrderBook): void {
    this.#books.set(symbol, { book, receivedAt: this.#clock.now() });
  }

  /** The latest book of `symbol` if it arrived at most `maxAgeMs` ago. */
  fresh(symbol: string, maxAgeMs: number): OrderBook | undefined {
    const entry = this.#books.get(symbol);
    if (entry === undefined || this.#clock.now() - entry.receivedAt > maxAgeMs) return undefined;
    return entry.book;
  }

  /** A book that turned out unsound (non-finite level) must not be walked any more. */
  forget(symbol: string): void {
    this.#books.delete(symbol);
  }
}

/**
 * `feed`, with every order book it delivers also kept in `cache` (and a refused one dropped from it), whatever
 * handlers the runtime passes; the session itself only needs best bid and ask.
 */
export function feedWithBookCache(feed: MarketFeed, cache: OrderBookCache): MarketFeed {
  return {
    history: (symbol, since, limit) => feed.history(symbol, since, limit),
    close: () => feed.close(),
    ...(feed.barClose ? { barClose: (symbol: string, barTime: number) => feed.barClose?.(symbol, barTime) } : {}),
    start(symbols, after, handlers: FeedHandlers) {
      feed.start(symbols, after, {
        ...handlers,
        onBook: (symbol, bid, ask) => {
          if (!(Number.isFinite(bid) && Number.isFinite(ask))) cache.forget(symbol);
          handlers.onBook?.(symbol, bid, ask);
        },
        onOrderBook: (symbol, book) => {
          cache.set(symbol, book);
          handlers.onOrderBook?.(symbol, book);
        },
      });
    },
  };
}
