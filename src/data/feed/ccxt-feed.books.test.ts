import type { Exchange } from "ccxt";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../domain/clock.js";
import { type SimExchange, startSimExchange } from "../../execution/sim-exchange/index.js";
import { connectCcxt } from "../../execution/venue/ccxt-connect.js";
import { NYSE } from "../calendar/exchange-calendar.js";
import { barCloseTime } from "../calendar/market-hours.js";
import { CcxtFeed } from "./ccxt-feed.js";
import { FeedMonitor } from "./feed-monitor.js";
import type { OrderBook, PublicTrade } from "./order-book.js";

/** Turns the event loop until `done()` (real sockets are in flight); fails after 10 s of wall time instead of hanging. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let sim: SimExchange | undefined;
let feed: CcxtFeed | undefined;
afterEach(async () => {
  await feed?.close();
  await sim?.close();
  feed = undefined;
  sim = undefined;
});

async function sessionOn(webSocket: boolean) {
  sim = await startSimExchange({ clock: "manual" });
  const exchange = await connectCcxt({ exchangeId: "binance", local: sim });
  await exchange.loadMarkets();
  const clock = new ManualClock(sim.now());
  feed = new CcxtFeed({ exchange, timeframe: "1m", clock, webSocket, bookLevels: 5, trades: true, bookPollMs: 1000 });
  const books: OrderBook[] = [];
  const bests: [number, number][] = [];
  const trades: PublicTrade[] = [];
  feed.start(
    ["BTC/USDT"],
    {},
    {
      onClosedBar: () => {},
      onBook: (_s, bid, ask) => bests.push([bid, ask]),
      onOrderBook: (_s, book) => books.push(book),
      onTrade: (_s, trade) => trades.push(trade),
    },
  );
  return { sim, clock, books, bests, trades };
}

describe("CcxtFeed order books and trades against the simulated exchange through real CCXT", () => {
  it("WebSocket: watchOrderBook hands over the venue's top levels, watchTrades each trade once at the tape price", async () => {
    const { sim, books, bests, trades } = await sessionOn(true);
    await sim.subscribed("btcusdt@depth@100ms");
    await sim.subscribed("btcusdt@trade");
    await sim.requested("/api/v3/depth");
    for (let i = 0; i < 5 && books.length === 0; i++) {
      sim.advance(1_000);
      await until(() => books.length > 0 || trades.length > i, "a book or a trade");
    }
    await until(() => books.length > 0, "a book");
    const venue = sim.engine.book("spot", "BTCUSDT", 5);
    const last = books.at(-1) as OrderBook;
    expect(last.bids).toEqual(venue.bids);
    expect(last.asks).toEqual(venue.asks);
    expect(bests.at(-1)).toEqual([venue.bids[0]?.price, venue.asks[0]?.price]);
    const trade = trades.at(-1) as PublicTrade;
    expect(trade.price).toBe(sim.lastPrice("BTCUSDT"));
    expect(trade.time).toBe(sim.now());
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
  });

  it("REST polling: fetchOrderBook and fetchTrades (aggTrades) every poll period, trades not repeated", async () => {
    const { sim, clock, books, trades } = await sessionOn(false);
    await until(() => books.length === 1 && trades.length > 0, "the first poll");
    const firstTrades = trades.length;
    expect(books[0]?.bids).toEqual(sim.engine.book("spot", "BTCUSDT", 5).bids);
    sim.advance(3_000);
    clock.advance(1_000);
    await until(() => books.length === 2 && trades.length === firstTrades + 3, "the second poll");
    expect(books[1]?.asks).toEqual(sim.engine.book("spot", "BTCUSDT", 5).asks);
    // One trade per market second, each at the tape price of its second, each id once.
    expect(trades.at(-1)).toMatchObject({ time: sim.now(), price: sim.lastPrice("BTCUSDT") });
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
  });
});

/** A CCXT-shaped exchange that serves the books it is given, for the integrity checks no real venue would send. */
function bookServer(booksToServe: unknown[]): Exchange {
  return {
    has: {},
    fetchOrderBook: async () => booksToServe.shift() ?? { bids: [[99, 1]], asks: [[100, 1]] },
  } as unknown as Exchange;
}

describe("CcxtFeed book integrity reaches the feed monitor", () => {
  it("a crossed book and a book with a non-finite level each block entries while they last, with the reason", async () => {
    const clock = new ManualClock(0);
    const served = [
      { bids: [[101, 1]], asks: [[100, 1]] },
      { bids: [[99, 1]], asks: [[100, 1]] },
      {
        bids: [
          [99, 1],
          [Number.NaN, 2],
        ],
        asks: [[100, 1]],
      },
      { bids: [[99, 1]], asks: [[100, 1]] },
    ];
    feed = new CcxtFeed({ exchange: bookServer(served), timeframe: "1m", clock, webSocket: false, bookLevels: 5 });
    const monitor = new FeedMonitor(["X/USD"], { barMs: 60_000 });
    const reasons: (string | undefined)[] = [];
    const statuses: string[] = [];
    let books = 0;
    feed.start(
      ["X/USD"],
      { "X/USD": 0 },
      {
        onClosedBar: () => {},
        onBook: (symbol, bid, ask) => {
          monitor.onBook(symbol, bid, ask, clock.now());
          reasons.push(monitor.blockedReason(symbol));
        },
        onOrderBook: () => books++,
        onStatus: (s) => statuses.push(s.reason),
      },
    );
    for (let i = 1; i <= 4; i++) {
      await until(() => reasons.length >= i, `book ${i}`);
      clock.advance(1_000);
    }
    expect(reasons[0]).toMatch(/crossed-book: bid 101 ≥ ask 100/);
    expect(reasons[1]).toBeUndefined();
    expect(reasons[2]).toMatch(/non-finite-book/);
    expect(reasons[3]).toBeUndefined();
    expect(statuses.some((s) => /bids level 2 is not finite/.test(s))).toBe(true);
    // The refused book never reaches a paper fill.
    expect(books).toBe(3);
  });
});

describe("CcxtFeed daily equity bars", () => {
  it("hands a daily NYSE bar to the strategy at the session's close (16:00 New York), not at midnight", async () => {
    const barTime = Date.parse("2024-01-03T05:00:00Z");
    const row = [barTime, 100, 102, 99, 101, 1_000_000];
    const exchange = { has: {}, fetchOHLCV: async () => [row] } as unknown as Exchange;
    const clock = new ManualClock(Date.parse("2024-01-03T20:00:00Z"));
    feed = new CcxtFeed({
      exchange,
      timeframe: "1d",
      clock,
      webSocket: false,
      pollMs: 60_000,
      settleMs: 0,
      barClose: (time) => barCloseTime(NYSE, time, 86_400_000),
    });
    const delivered: number[] = [];
    const forming: number[] = [];
    feed.start(
      ["AAPL"],
      { AAPL: barTime - 86_400_000 },
      {
        onClosedBar: () => delivered.push(clock.now()),
        onFormingBar: () => forming.push(clock.now()),
      },
    );
    await until(() => forming.length === 1, "the first poll");
    expect(delivered).toEqual([]);
    clock.set(Date.parse("2024-01-03T20:59:00Z"));
    await until(() => forming.length === 2, "the poll at 15:59 New York");
    expect(delivered).toEqual([]);
    clock.set(Date.parse("2024-01-03T21:00:00Z"));
    await until(() => delivered.length === 1, "the poll at the close");
    expect(delivered).toEqual([Date.parse("2024-01-03T21:00:00Z")]);
  });
});
