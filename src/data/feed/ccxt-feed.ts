import type { Exchange } from "ccxt";
import type { Candle } from "../../domain/candles.js";
import type { Clock } from "../../domain/clock.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { isCcxtNetworkError } from "../exchange/ccxt-parts.js";
import type { FeedHandlers, MarketFeed } from "./market-feed.js";
import { type PublicTrade, readCcxtBook, readCcxtTrade } from "./order-book.js";

export interface CcxtFeedOptions {
  /** A CCXT client (a `ccxt.pro` one for WebSocket), already pointed at its venue. */
  readonly exchange: Exchange;
  readonly timeframe: Timeframe;
  readonly clock: Clock;
  /** WebSocket (`watchOHLCV`) when the exchange has it, else REST polling; force one with true/false. */
  readonly webSocket?: boolean;
  /** REST polling period (default: a quarter bar, between 1 s and 15 s). */
  readonly pollMs?: number;
  /** A bar counts as closed this long after its close time, so the venue has its final values (default 1.5 s). */
  readonly settleMs?: number;
  /** Longest wait between reconnect attempts (default 60 s); waits double from 1 s. */
  readonly maxBackoffMs?: number;
  /** Largest page of one history request (Binance serves 1000). */
  readonly pageLimit?: number;
  /**
   * Also watch each symbol's order book to this many levels (`watchOrderBook`, or `fetchOrderBook` polled every
   * `bookPollMs`), handing it to `onBook`/`onOrderBook`; 0 or absent: no book.
   */
  readonly bookLevels?: number;
  /** Also watch each symbol's public trades (`watchTrades`, or `fetchTrades` polled every `bookPollMs`). */
  readonly trades?: boolean;
  /** REST polling period of books and trades (default 1 s). */
  readonly bookPollMs?: number;
  /**
   * When the bar opening at a time has closed (default: one bar length later). Daily equity bars close at the
   * session's end (`barCloseTime` of data/calendar/market-hours.ts), so they reach the strategy at 16:00 New York.
   */
  readonly barClose?: (barTime: number) => number;
}

/** A CCXT OHLCV row: [time, open, high, low, close, volume]. */
type Row = readonly (number | undefined)[];

/**
 * Closed bars from an exchange through CCXT: WebSocket (`watchOHLCV`) where the exchange has it, REST polling
 * otherwise. A bar is handed over once, only after it closed, oldest first. After a disconnect the feed retries
 * with exponential backoff and back-fills every bar it missed through REST before going on, so no closed bar is
 * lost to a reconnect. A malformed row is skipped and reported, never passed on.
 */
export class CcxtFeed implements MarketFeed {
  readonly #o: Required<Omit<CcxtFeedOptions, "webSocket">> & {
    webSocket: boolean;
    bookWebSocket: boolean;
    tradeWebSocket: boolean;
  };
  readonly #barMs: number;
  /** REST reads that failed and were tried again, newest last (for the log and tests). */
  readonly retries: string[] = [];
  #closed = false;
  readonly #loops: Promise<void>[] = [];
  readonly #wakers = new Set<() => void>();

  constructor(options: CcxtFeedOptions) {
    const barMs = TIMEFRAMES[options.timeframe];
    this.#barMs = barMs;
    const has = options.exchange.has as Record<string, unknown>;
    this.#o = {
      pollMs: Math.min(15_000, Math.max(1000, barMs / 4)),
      settleMs: 1500,
      maxBackoffMs: 60_000,
      pageLimit: 1000,
      bookLevels: 0,
      trades: false,
      bookPollMs: 1000,
      barClose: (time: number) => time + barMs,
      ...options,
      webSocket: options.webSocket ?? (has["watchOHLCV"] === true && typeof options.exchange.watchOHLCV === "function"),
      bookWebSocket:
        options.webSocket ?? (has["watchOrderBook"] === true && typeof options.exchange.watchOrderBook === "function"),
      tradeWebSocket:
        options.webSocket ?? (has["watchTrades"] === true && typeof options.exchange.watchTrades === "function"),
    };
  }

  get usesWebSocket(): boolean {
    return this.#o.webSocket;
  }

  async history(symbol: string, since: number, limit: number): Promise<Candle[]> {
    return this.#readWithRetry(`${symbol} history`, () => this.#history(symbol, since, limit));
  }

  /** One attempt at `history`; the live loops call it directly, since they report and retry failures themselves. */
  async #history(symbol: string, since: number, limit: number): Promise<Candle[]> {
    const out: Candle[] = [];
    let from = since;
    const closedBy = this.#o.clock.now() - this.#o.settleMs;
    while (out.length < limit) {
      const rows = (await this.#o.exchange.fetchOHLCV(
        symbol,
        this.#o.timeframe,
        from,
        Math.min(this.#o.pageLimit, limit - out.length),
      )) as Row[];
      let advanced = false;
      for (const row of rows) {
        const bar = toCandle(row);
        if (!bar || bar.time < from) continue;
        if (this.#o.barClose(bar.time) > closedBy) break;
        out.push(bar);
        from = bar.time + this.#barMs;
        advanced = true;
        if (out.length >= limit) break;
      }
      if (!advanced || rows.length === 0) break;
    }
    return out;
  }

  start(symbols: readonly string[], after: Readonly<Record<string, number>>, handlers: FeedHandlers): void {
    for (const symbol of symbols) {
      this.#loops.push(this.#run(symbol, after[symbol] ?? Number.NEGATIVE_INFINITY, handlers));
      if (this.#o.bookLevels > 0) this.#loops.push(this.#runBooks(symbol, handlers));
      if (this.#o.trades) this.#loops.push(this.#runTrades(symbol, handlers));
    }
  }

  barClose(_symbol: string, barTime: number): number {
    return this.#o.barClose(barTime);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#wakers) wake();
    const exchange = this.#o.exchange as Exchange & { close?: () => Promise<void> };
    const ws =
      this.#o.webSocket ||
      (this.#o.bookLevels > 0 && this.#o.bookWebSocket) ||
      (this.#o.trades && this.#o.tradeWebSocket);
    if (ws && typeof exchange.close === "function") await exchange.close().catch(() => {});
    await Promise.allSettled(this.#loops);
  }

  async #run(symbol: string, after: number, handlers: FeedHandlers): Promise<void> {
    let last = after;
    let backoff = 1000;
    // Bars that closed between the caller's history and this start are fetched first, so none is skipped.
    let needBackfill = Number.isFinite(after);
    let reconnecting = false;
    const emit = (bar: Candle) => {
      if (bar.time <= last) return;
      last = bar.time;
      handlers.onClosedBar(symbol, bar);
    };
    while (!this.#closed) {
      try {
        if (needBackfill || !Number.isFinite(last)) {
          const since = Number.isFinite(last) ? last + this.#barMs : this.#o.clock.now() - 2 * this.#barMs;
          for (const bar of await this.#history(symbol, since, 10_000)) emit(bar);
          if (reconnecting)
            handlers.onStatus?.({ connected: true, reason: `${symbol}: reconnected, back-filled to ${iso(last)}` });
          needBackfill = false;
          reconnecting = false;
        }
        if (this.#o.webSocket) {
          const rows = (await this.#o.exchange.watchOHLCV(symbol, this.#o.timeframe)) as Row[];
          this.#take(rows, symbol, handlers, emit, true);
        } else {
          const since = Number.isFinite(last) ? last + this.#barMs : undefined;
          const rows = (await this.#o.exchange.fetchOHLCV(
            symbol,
            this.#o.timeframe,
            since,
            this.#o.pageLimit,
          )) as Row[];
          this.#take(rows, symbol, handlers, emit, false);
          await this.#sleep(this.#o.pollMs);
        }
        backoff = 1000;
      } catch (error) {
        if (this.#closed) break;
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        handlers.onStatus?.({ connected: false, reason: `${symbol}: ${reason}; retrying in ${backoff} ms` });
        await this.#sleep(backoff);
        backoff = Math.min(this.#o.maxBackoffMs, backoff * 2);
        needBackfill = true;
        reconnecting = true;
      }
    }
  }

  /**
   * The order book loop: each book is checked level by level; a valid one goes to `onBook` (best bid and ask, so
   * the feed monitor sees a crossed book) and `onOrderBook`; one with a non-finite or impossible level is reported
   * and passed to `onBook` as NaN, which the monitor flags, and never reaches a paper fill.
   */
  #runBooks(symbol: string, handlers: FeedHandlers): Promise<void> {
    const levels = this.#o.bookLevels;
    return this.#retrying(symbol, "order book", handlers, async () => {
      const raw = this.#o.bookWebSocket
        ? // The WebSocket book is a snapshot plus diffs: a deep snapshot (the venue's default) keeps the top right.
          await this.#o.exchange.watchOrderBook(symbol)
        : await this.#o.exchange.fetchOrderBook(symbol, levels);
      const read = readCcxtBook(raw, this.#o.clock.now());
      if ("problem" in read) {
        handlers.onStatus?.({ connected: true, reason: `${symbol}: order book refused: ${read.problem}` });
        handlers.onBook?.(symbol, Number.NaN, Number.NaN);
      } else {
        const book = { ...read.book, bids: read.book.bids.slice(0, levels), asks: read.book.asks.slice(0, levels) };
        const bid = book.bids[0]?.price;
        const ask = book.asks[0]?.price;
        if (bid !== undefined && ask !== undefined) handlers.onBook?.(symbol, bid, ask);
        handlers.onOrderBook?.(symbol, book);
      }
      if (!this.#o.bookWebSocket) await this.#sleep(this.#o.bookPollMs);
    });
  }

  /** The public trades loop: each trade once (by id), oldest first; a malformed trade is skipped and reported. */
  #runTrades(symbol: string, handlers: FeedHandlers): Promise<void> {
    let lastTime = Number.NEGATIVE_INFINITY;
    let idsAtLast = new Set<string>();
    return this.#retrying(symbol, "trades", handlers, async () => {
      const rows = (
        this.#o.tradeWebSocket
          ? await this.#o.exchange.watchTrades(symbol)
          : await this.#o.exchange.fetchTrades(symbol, undefined, 100)
      ) as unknown[];
      const trades: PublicTrade[] = [];
      for (const row of rows) {
        const trade = readCcxtTrade(row);
        if (trade) trades.push(trade);
        else handlers.onStatus?.({ connected: true, reason: `${symbol}: malformed trade skipped: ${short(row)}` });
      }
      trades.sort((a, b) => a.time - b.time);
      for (const trade of trades) {
        if (trade.time < lastTime || (trade.time === lastTime && idsAtLast.has(trade.id))) continue;
        if (trade.time > lastTime) idsAtLast = new Set();
        lastTime = trade.time;
        idsAtLast.add(trade.id);
        handlers.onTrade?.(symbol, trade);
      }
      if (!this.#o.tradeWebSocket) await this.#sleep(this.#o.bookPollMs);
    });
  }

  /** Runs `once` until the feed closes; a failure is reported and retried after a doubling wait. */
  async #retrying(symbol: string, what: string, handlers: FeedHandlers, once: () => Promise<void>): Promise<void> {
    let backoff = 1000;
    while (!this.#closed) {
      try {
        await once();
        backoff = 1000;
      } catch (error) {
        if (this.#closed) break;
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        handlers.onStatus?.({ connected: false, reason: `${symbol} ${what}: ${reason}; retrying in ${backoff} ms` });
        await this.#sleep(backoff);
        backoff = Math.min(this.#o.maxBackoffMs, backoff * 2);
      }
    }
  }

  /** Hands over the closed bars among `rows`; with a WebSocket a bar is final once a newer one has started. */
  #take(rows: Row[], symbol: string, handlers: FeedHandlers, emit: (bar: Candle) => void, webSocket: boolean): void {
    const closedBy = this.#o.clock.now() - this.#o.settleMs;
    const bars: Candle[] = [];
    for (const row of rows) {
      const bar = toCandle(row);
      if (bar) bars.push(bar);
      else handlers.onStatus?.({ connected: true, reason: `${symbol}: malformed candle skipped: ${short(row)}` });
    }
    bars.sort((a, b) => a.time - b.time);
    for (let i = 0; i < bars.length; i++) {
      const bar = bars[i] as Candle;
      const newerSeen = webSocket && i < bars.length - 1;
      if (newerSeen || this.#o.barClose(bar.time) <= closedBy) emit(bar);
      else handlers.onFormingBar?.(symbol, bar);
    }
  }

  /**
   * A REST read that a dropped connection, a timeout, a 5xx or a rate limit may fail: tried again with backoff (1, 2,
   * 4, 8 s on the feed's clock), so one fault during the warm-up at start does not stop the bot. Anything else, and
   * the fifth failure, is thrown to the caller.
   */
  async #readWithRetry<T>(what: string, read: () => Promise<T>): Promise<T> {
    let backoff = 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (!isCcxtNetworkError(error) || attempt >= 5 || this.#closed) throw error;
        this.retries.push(`${what}: ${(error as Error).message}; retrying in ${backoff} ms`);
        await this.#sleep(backoff);
        backoff *= 2;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    // A loop that was mid-request when close() woke the sleepers must not start a sleep nobody will end.
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.#wakers.delete(wake);
        cancel();
        resolve();
      };
      const cancel = this.#o.clock.setTimer(ms, wake);
      this.#wakers.add(wake);
    });
  }
}

function toCandle(row: Row): Candle | undefined {
  if (!Array.isArray(row) || row.length < 6) return undefined;
  const values = (row as unknown[]).slice(0, 6);
  if (!values.every((v): v is number => typeof v === "number" && Number.isFinite(v))) return undefined;
  const [time, open, high, low, close, volume] = values as [number, number, number, number, number, number];
  if (!(low > 0) || high < low) return undefined;
  return {
    time,
    open,
    high,
    low,
    close,
    volume,
  };
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : "start";
}
