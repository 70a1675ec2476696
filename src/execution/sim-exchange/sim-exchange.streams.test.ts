import type { Exchange } from "ccxt";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { connectCcxt } from "../venue/ccxt-connect.js";
import { VenueCredentials } from "../venue/venue-credentials.js";
import { SIM_API_KEY, SIM_API_SECRET, type SimExchange, startSimExchange } from "./sim-exchange.js";

const MARKETS = [
  { exchangeId: "binance", symbol: "BTC/USDT", stream: "btcusdt" },
  { exchangeId: "binanceusdm", symbol: "BTC/USDT:USDT", stream: "btcusdt" },
] as const;

describe.each(MARKETS)("simulated exchange WebSocket streams through ccxt.pro: $exchangeId", (setup) => {
  let sim: SimExchange;
  let exchange: Exchange;
  beforeEach(async () => {
    sim = await startSimExchange({ clock: "manual" });
    exchange = await connectCcxt({
      exchangeId: setup.exchangeId,
      credentials: new VenueCredentials(SIM_API_KEY, SIM_API_SECRET, "test"),
      local: sim,
    });
    await exchange.loadMarkets();
  });
  afterEach(async () => {
    await exchange.close();
    await sim.close();
  });

  test("watchOHLCV sends the forming bar, then the closed bar equal to the REST kline", async () => {
    const start = sim.now();
    const watching = exchange.watchOHLCV(setup.symbol, "1m");
    await sim.subscribed(`${setup.stream}@kline_1m`);
    sim.advance(1_000);
    const [forming] = await watching;
    expect(forming?.[0]).toBe(start);
    expect(forming?.[4]).toBe(sim.lastPrice("BTCUSDT"));
    const next = exchange.watchOHLCV(setup.symbol, "1m");
    sim.advance(60_000); // crosses the bar close
    const bars = await next;
    const rest = await exchange.fetchOHLCV(setup.symbol, "1m", start, 1);
    const closed = bars.find((bar) => bar[0] === start);
    expect(closed).toEqual(rest[0]);
  });

  test("watchTrades delivers a trade at the simulated price each tick", async () => {
    const watching = exchange.watchTrades(setup.symbol);
    await sim.subscribed(`${setup.stream}@trade`);
    sim.advance(1_000);
    const [trade] = await watching;
    expect(trade).toMatchObject({ symbol: setup.symbol, price: sim.lastPrice("BTCUSDT"), timestamp: sim.now() });
  });

  test("watchOrderBook syncs the REST snapshot with the diff stream; the book equals the venue's", async () => {
    const watching = exchange.watchOrderBook(setup.symbol);
    await sim.subscribed(`${setup.stream}@depth@100ms`);
    sim.advance(1_000); // a diff before the snapshot: CCXT caches it and drops it as older than the snapshot
    await sim.requested(setup.exchangeId === "binance" ? "/api/v3/depth" : "/fapi/v1/depth");
    for (let i = 0; i < 3; i++) sim.advance(1_000);
    await watching;
    const next = exchange.watchOrderBook(setup.symbol);
    sim.advance(1_000);
    const book = await next;
    const venue = sim.engine.book(setup.exchangeId === "binance" ? "spot" : "futures", "BTCUSDT");
    expect(book.bids.slice(0, 5)).toEqual(venue.bids.slice(0, 5).map((level) => [level.price, level.quantity]));
    expect(book.asks.slice(0, 5)).toEqual(venue.asks.slice(0, 5).map((level) => [level.price, level.quantity]));
  });
});
