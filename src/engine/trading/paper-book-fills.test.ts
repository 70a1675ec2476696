import { describe, expect, it } from "vitest";
import type { FeedHandlers, MarketFeed } from "../../data/feed/market-feed.js";
import type { OrderBook } from "../../data/feed/order-book.js";
import { feedWithBookCache, OrderBookCache } from "../../data/feed/order-book-cache.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { BookSlippage, bookImpact } from "../../execution/book-slippage.js";
import { fixedBps } from "../../execution/slippage.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MemorySessionStore } from "./session-store.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;

/** A book whose levels sit 5, 10, 20 bps from `mid` and hold 0.05, 0.1, 10 units: its cost depends only on size. */
function bookAround(mid: number, time: number): OrderBook {
  const levels = [
    [5, 0.05],
    [10, 0.1],
    [20, 10],
  ] as const;
  return {
    time,
    bids: levels.map(([bps, quantity]) => ({ price: mid * (1 - bps / 10_000), quantity })),
    asks: levels.map(([bps, quantity]) => ({ price: mid * (1 + bps / 10_000), quantity })),
  };
}

/** A replay feed that also sends a book around each bar's close just before the bar, as a venue's book feed would. */
function withBooks(feed: ReplayFeed, clock: ManualClock): MarketFeed {
  return {
    history: (symbol, since, limit) => feed.history(symbol, since, limit),
    close: () => feed.close(),
    start(symbols, after, handlers: FeedHandlers) {
      feed.start(symbols, after, {
        ...handlers,
        onClosedBar: (symbol, bar) => {
          const book = bookAround(bar.close, clock.now());
          handlers.onBook?.(symbol, book.bids[0]?.price as number, book.asks[0]?.price as number);
          handlers.onOrderBook?.(symbol, book);
          handlers.onClosedBar(symbol, bar);
        },
      });
    },
  };
}

describe("paper session fills from order-book depth", () => {
  it("prices every market fill with the latest book the feed provided, not the fallback model", async () => {
    const series = simulateMarket({ seed: 41, bars: 700, symbol: "AAA/USDT" }).series;
    const start = (series.time[300] as number) + H;
    const clock = new ManualClock(start);
    const books = new OrderBookCache(clock);
    const slippage = new BookSlippage({ books, fallback: fixedBps(50) });
    const replay = new ReplayFeed([series], H, clock);
    const instrument = defaultInstrument("AAA/USDT");
    const store = new MemorySessionStore();
    const session = new TradingSession({
      session: "paper-book",
      slots: [
        {
          symbol: "AAA/USDT",
          strategy: loadStrategy("sma-cross", { fast: 5, slow: 20 }),
          instrument,
          size: { type: "percent-equity", value: 40 },
        },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed: feedWithBookCache(withBooks(replay, clock), books),
      store,
      clock,
      warmupBars: 300,
      simulated: { slippage },
    });
    await session.start();
    replay.deliverUntil((series.time[699] as number) + H);
    await session.flushed();
    const trades = store.all("paper-book", "trades");
    expect(trades.length).toBeGreaterThan(3);
    expect(slippage.usage.fallback).toBe(0);
    expect(slippage.usage.book).toBeGreaterThanOrEqual(trades.length * 2);
    const tick = instrument.tickSize;
    for (const trade of trades) {
      // A market entry fills at the next open × VWAP / mid of its size on the book, rounded against the trader.
      const index = series.time.indexOf(trade.entryTime);
      const open = series.open[index] as number;
      const side = trade.side === "long" ? "buy" : "sell";
      const impact = bookImpact(bookAround(1000, 0), side, trade.quantity, 100) as number;
      const raw = open * impact;
      const expected = side === "buy" ? Math.ceil(raw / tick - 1e-9) * tick : Math.floor(raw / tick + 1e-9) * tick;
      expect(trade.entryPrice).toBeCloseTo(expected, 6);
    }
    await session.stop();
  });
});
