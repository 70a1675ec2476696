import { afterEach, describe, expect, it } from "vitest";
import type { Candle } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { createCcxtExchange } from "../exchange/ccxt-exchange.js";
import { type FakeBinanceServer, startFakeBinanceServer } from "../exchange/testing/fake-binance-server.js";
import { CcxtFeed } from "./ccxt-feed.js";

const M = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const candle = (i: number): Candle => ({
  time: T0 + i * M,
  open: 100 + i,
  high: 101 + i,
  low: 99 + i,
  close: 100.5 + i,
  volume: 10,
});
const rows = (n: number) => Array.from({ length: n }, (_, i) => candle(i));

/** Turns the event loop until `done()` (real HTTP is in flight); fails after 10 s of wall time instead of hanging. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let server: FakeBinanceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(bars: number, nowIndex: number) {
  const clock = new ManualClock(T0 + nowIndex * M + 2000);
  server = await startFakeBinanceServer({ candles: { BTCUSDT: { "1m": rows(bars) } }, now: () => clock.now() });
  const exchange = await createCcxtExchange("binance", { apiBaseUrl: server.url });
  const feed = new CcxtFeed({ exchange, timeframe: "1m", clock, webSocket: false, pollMs: 5000 });
  return { clock, feed, server };
}

describe("CcxtFeed over real CCXT and a local Binance server (REST polling)", () => {
  it("serves history of closed bars only, never the forming one", async () => {
    const { feed } = await setup(11, 10);
    const history = await feed.history("BTC/USDT", T0, 100);
    expect(history.map((b) => b.time)).toEqual(rows(10).map((b) => b.time));
    expect(history[3]).toEqual(candle(3));
  });

  it("hands over each new closed bar once, in order, as the market moves on", async () => {
    const { clock, feed, server } = await setup(6, 5);
    const got: number[] = [];
    feed.start(["BTC/USDT"], { "BTC/USDT": candle(4).time }, { onClosedBar: (_s, bar) => got.push(bar.time) });
    await until(() => clock.pending > 0, "the first poll");
    expect(got).toEqual([]);
    server.setCandles("BTCUSDT", "1m", rows(8));
    clock.advance(2 * M);
    await until(() => got.length === 2, "two new closed bars");
    expect(got).toEqual([candle(5).time, candle(6).time]);
    await feed.close();
  });

  it("rides out a server error: reports it, backs off, then back-fills every bar it missed", async () => {
    const { clock, feed, server } = await setup(6, 5);
    const got: number[] = [];
    const status: boolean[] = [];
    server.failNext({ kind: "server-error", status: 503 }, { path: "/api/v3/klines", times: 2 });
    feed.start(
      ["BTC/USDT"],
      { "BTC/USDT": candle(2).time },
      { onClosedBar: (_s, bar) => got.push(bar.time), onStatus: (s) => status.push(s.connected) },
    );
    await until(() => status.length === 1, "the first failure");
    expect(status).toEqual([false]);
    server.setCandles("BTCUSDT", "1m", rows(9));
    clock.advance(3 * M);
    // The second failure doubles the wait; the feed gets through once the clock passes it.
    await until(() => status.length === 2, "the second failure");
    expect(status).toEqual([false, false]);
    await until(() => clock.pending > 0, "the backoff timer");
    clock.advance(2000);
    await until(() => got.length === 5, "the back-fill after the outage");
    expect(got).toEqual([3, 4, 5, 6, 7].map((i) => candle(i).time));
    expect(status.at(-1)).toBe(true);
    await feed.close();
  });
});

describe("CcxtFeed history under faults", () => {
  it("tries a failed history page again with backoff on the feed's clock, so one 5xx at start does not stop the bot", async () => {
    const { clock, feed, server } = await setup(11, 10);
    server.failNext({ kind: "server-error", status: 503 }, { path: "/api/v3/klines" });
    const pending = feed.history("BTC/USDT", T0, 100);
    await until(() => clock.pending > 0, "the retry's backoff timer");
    expect(feed.retries[0]).toMatch(/BTC\/USDT history: .*retrying in 1000 ms/);
    clock.advance(1000);
    expect((await pending).map((b) => b.time)).toEqual(rows(10).map((b) => b.time));
  });

  it("gives up after five failures with the venue's error", async () => {
    const { clock, feed, server } = await setup(11, 10);
    server.failNext({ kind: "server-error", status: 503 }, { path: "/api/v3/klines", times: 5 });
    const pending = feed.history("BTC/USDT", T0, 100).catch((error: Error) => error);
    for (const wait of [1000, 2000, 4000, 8000]) {
      await until(() => clock.pending > 0, `the ${wait} ms backoff`);
      clock.advance(wait);
    }
    expect(await pending).toBeInstanceOf(Error);
    expect(feed.retries).toHaveLength(4);
  });
});
