import { describe, expect, it } from "vitest";
import type { OrderBook } from "../data/feed/order-book.js";
import { OrderBookCache } from "../data/feed/order-book-cache.js";
import { ManualClock } from "../domain/clock.js";
import { defaultInstrument } from "../domain/instrument.js";
import type { Fill } from "../domain/order.js";
import { BookSlippage, walkBook } from "./book-slippage.js";
import { Portfolio } from "./portfolio.js";
import { SimulatedBroker } from "./simulated-broker.js";
import { fixedBps, noSlippage } from "./slippage.js";
import { bars } from "./testing/bars.js";

/** Bid 99.5 × 1, 99 × 2, 98 × 3; ask 100.5 × 1, 101 × 2, 102 × 3: mid 100. */
const book: OrderBook = {
  time: 0,
  bids: [
    { price: 99.5, quantity: 1 },
    { price: 99, quantity: 2 },
    { price: 98, quantity: 3 },
  ],
  asks: [
    { price: 100.5, quantity: 1 },
    { price: 101, quantity: 2 },
    { price: 102, quantity: 3 },
  ],
};
const series = bars([[100, 101, 99, 100]]);

describe("walkBook", () => {
  it("a buy inside the top level pays that level", () => {
    expect(walkBook(book.asks, "buy", 0.5)).toEqual({ vwap: 100.5, fromBook: 0.5, beyondBook: 0, levels: 1 });
  });

  it("a buy across levels pays the volume-weighted average of what it consumes", () => {
    // (100.5 × 1 + 101 × 2 + 102 × 1) / 4 = 404.5 / 4
    expect(walkBook(book.asks, "buy", 4)).toEqual({ vwap: 101.125, fromBook: 4, beyondBook: 0, levels: 3 });
  });

  it("a sell walks the bids down", () => {
    // (99.5 × 1 + 99 × 1) / 2
    expect(walkBook(book.bids, "sell", 2)?.vwap).toBe(99.25);
  });

  it("beyond the last level the rest pays the last level worsened by the penalty", () => {
    // 6 from the book (100.5 + 202 + 306 = 608.5), 4 at 102 × 1.01 = 103.02: (608.5 + 412.08) / 10
    const walk = walkBook(book.asks, "buy", 10, 100);
    expect(walk?.vwap).toBeCloseTo(102.058, 12);
    expect(walk).toMatchObject({ fromBook: 6, beyondBook: 4, levels: 3 });
    // A sell beyond the bids: 6 from the book (99.5 + 198 + 294 = 591.5), 2 at 98 × 0.995 = 97.51
    expect(walkBook(book.bids, "sell", 8, 50)?.vwap).toBeCloseTo((591.5 + 2 * 97.51) / 8, 12);
  });

  it("an empty side gives no walk, a non-positive quantity is refused", () => {
    expect(walkBook([], "buy", 1)).toBeUndefined();
    expect(() => walkBook(book.asks, "buy", 0)).toThrowError(/quantity > 0/);
  });
});

describe("BookSlippage", () => {
  function model(maxAgeMs = 60_000) {
    const clock = new ManualClock(1_000);
    const books = new OrderBookCache(clock);
    const slippage = new BookSlippage({ books, fallback: fixedBps(10), maxAgeMs });
    return { clock, books, slippage };
  }

  it("prices a fill at the book's VWAP when the reference is the book's mid, and scales it otherwise", () => {
    const { books, slippage } = model();
    books.set("TEST/USDT", book);
    expect(slippage.price("buy", 100, series, 0, { symbol: "TEST/USDT", quantity: 4 })).toBeCloseTo(101.125, 12);
    expect(slippage.price("sell", 100, series, 0, { symbol: "TEST/USDT", quantity: 2 })).toBeCloseTo(99.25, 12);
    expect(slippage.price("buy", 200, series, 0, { symbol: "TEST/USDT", quantity: 4 })).toBeCloseTo(202.25, 12);
    expect(slippage.usage).toEqual({ book: 3, fallback: 0 });
  });

  it("falls back to the configured model without a book, with a stale book, or without the order's size", () => {
    const { clock, books, slippage } = model(5_000);
    expect(slippage.price("buy", 100, series, 0, { symbol: "TEST/USDT", quantity: 4 })).toBeCloseTo(100.1, 12);
    books.set("TEST/USDT", book);
    expect(slippage.price("buy", 100, series, 0)).toBeCloseTo(100.1, 12);
    clock.advance(5_001);
    expect(slippage.price("buy", 100, series, 0, { symbol: "TEST/USDT", quantity: 4 })).toBeCloseTo(100.1, 12);
    expect(slippage.usage).toEqual({ book: 0, fallback: 3 });
  });

  it("caps the slippage of an order far beyond the book at 1000 bps like every model", () => {
    const { books, slippage } = model();
    books.set("TEST/USDT", { ...book, asks: [{ price: 100.5, quantity: 0.001 }] });
    const huge = new BookSlippage({ books, fallback: noSlippage, beyondBookBps: 5_000 });
    expect(huge.price("buy", 100, series, 0, { symbol: "TEST/USDT", quantity: 100 })).toBeCloseTo(110, 9);
    expect(slippage.description).toMatch(/order-book depth .* else fixed 10 bps/);
  });
});

describe("SimulatedBroker with book slippage", () => {
  it("fills a market buy at the VWAP of the latest book (reference open = book mid), exactly on a fine tick", () => {
    const s = bars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
    ]);
    const clock = new ManualClock(0);
    const books = new OrderBookCache(clock);
    books.set(s.symbol, book);
    const fills: Fill[] = [];
    const portfolio = new Portfolio(10_000);
    const venue = new SimulatedBroker(
      portfolio,
      { report: (r) => (r.type === "filled" ? fills.push(r.fill) : undefined) },
      { slippage: new BookSlippage({ books, fallback: noSlippage }) },
    );
    const instrument = defaultInstrument(s.symbol, {
      tickSize: 0.001,
      lotSize: 1,
      minQuantity: 1,
      minNotional: 1,
      takerFee: 0,
      makerFee: 0,
    });
    venue.addMarket(instrument, () => s);
    venue.submit({ clientOrderId: "b-1", symbol: s.symbol, side: "buy", type: "market", quantity: 4, reason: "t" }, 0);
    venue.processBar(s.symbol, 1);
    expect(fills).toHaveLength(1);
    expect(fills[0]?.quantity).toBe(4);
    expect(fills[0]?.price).toBeCloseTo(101.125, 9);
  });
});
