import type { Candle } from "../../domain/candles.js";
import type { FeedHandlers, MarketFeed } from "./market-feed.js";

/**
 * Several markets as one feed, so that one session (one portfolio, one risk shield) trades crypto on one venue and
 * equities on another: each symbol is served by the feed of its market; every feed gets the same handlers.
 */
export class CompositeFeed implements MarketFeed {
  readonly #bySymbol = new Map<string, MarketFeed>();
  readonly #feeds: MarketFeed[] = [];

  constructor(markets: readonly { readonly symbols: readonly string[]; readonly feed: MarketFeed }[]) {
    for (const { symbols, feed } of markets) {
      this.#feeds.push(feed);
      for (const symbol of symbols) {
        if (this.#bySymbol.has(symbol)) throw new RangeError(`composite feed: ${symbol} is in two markets`);
        this.#bySymbol.set(symbol, feed);
      }
    }
  }

  history(symbol: string, since: number, limit: number): Promise<Candle[]> {
    return this.#feedOf(symbol).history(symbol, since, limit);
  }

  start(symbols: readonly string[], after: Readonly<Record<string, number>>, handlers: FeedHandlers): void {
    for (const feed of this.#feeds) {
      const mine = symbols.filter((s) => this.#bySymbol.get(s) === feed);
      if (mine.length > 0) feed.start(mine, after, handlers);
    }
    for (const symbol of symbols) this.#feedOf(symbol);
  }

  async close(): Promise<void> {
    await Promise.all(this.#feeds.map((feed) => feed.close()));
  }

  /** Each market's own close: crypto bars at the bar's end, stock bars at their session's. */
  barClose(symbol: string, barTime: number): number | undefined {
    return this.#feedOf(symbol).barClose?.(symbol, barTime);
  }

  #feedOf(symbol: string): MarketFeed {
    const feed = this.#bySymbol.get(symbol);
    if (!feed) throw new RangeError(`composite feed: no market serves ${symbol}`);
    return feed;
  }
}
