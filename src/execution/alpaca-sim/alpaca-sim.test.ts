import type { Exchange } from "ccxt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withAlpacaStockBars } from "../../data/feed/alpaca-stock-bars.js";
import { ManualClock } from "../../domain/clock.js";
import { alpacaSimClient } from "./alpaca-client.js";
import { type AlpacaSim, startAlpacaSim } from "./alpaca-sim.js";

const at = (iso: string) => Date.parse(iso);
// Wednesday 2024-01-03, 11:00 New York: the market is open.
const OPEN = at("2024-01-03T16:00:00Z");

let sim: AlpacaSim;
let clock: ManualClock;
let exchange: Exchange;
beforeEach(async () => {
  clock = new ManualClock(OPEN);
  sim = await startAlpacaSim({ now: () => clock.now(), startTime: at("2023-12-01T00:00:00Z"), days: 40 });
  exchange = await alpacaSimClient(sim.url);
});
afterEach(async () => {
  await sim.close();
});

describe("local Alpaca through real CCXT alpaca", () => {
  it("serves the clock in New York time and the stock assets CCXT lists as markets", async () => {
    expect(await exchange.fetchTime()).toBe(OPEN);
    const clockBody = (await (
      exchange as unknown as { traderPrivateGetV2Clock(): Promise<unknown> }
    ).traderPrivateGetV2Clock()) as Record<string, unknown>;
    expect(clockBody).toEqual({
      timestamp: "2024-01-03T11:00:00.000000000-05:00",
      is_open: true,
      next_open: "2024-01-04T09:30:00-05:00",
      next_close: "2024-01-03T16:00:00-05:00",
    });
    const markets = exchange.markets ?? {};
    expect(Object.keys(markets).sort()).toEqual(["AAPL/USD", "SPY/USD"]);
    expect(markets["SPY/USD"]).toMatchObject({ id: "SPY", base: "SPY", quote: "USD", spot: true });
    // Whole shares for SPY, fractions for AAPL; no minimum notional on either.
    expect(markets["SPY/USD"]?.precision).toEqual({ amount: 1, price: 0.01 });
    expect(markets["AAPL/USD"]?.precision.amount).toBe(1e-9);
    expect(markets["SPY/USD"]?.limits.cost?.min).toBeUndefined();
  });

  it("serves stock bars only for session minutes: hourly bars from 09:00 to 15:00 New York, daily bars at midnight New York", async () => {
    const stocks = withAlpacaStockBars(exchange);
    const hourly = await stocks.fetchOHLCV("SPY", "1h", at("2024-01-02T00:00:00Z"), 100);
    const times = hourly.map((row) => new Date(row[0] as number).toISOString().slice(0, 16));
    // 2 Jan: seven hourly bars (09:00 holds 09:30–10:00), then 3 Jan until 11:00 New York.
    expect(times.slice(0, 8)).toEqual([
      "2024-01-02T14:00",
      "2024-01-02T15:00",
      "2024-01-02T16:00",
      "2024-01-02T17:00",
      "2024-01-02T18:00",
      "2024-01-02T19:00",
      "2024-01-02T20:00",
      "2024-01-03T14:00",
    ]);
    const daily = await stocks.fetchOHLCV("SPY", "1d", at("2023-12-28T00:00:00Z"), 10);
    // 29 Dec, 2 Jan (1 Jan is a holiday), and 3 Jan so far.
    expect(daily.map((row) => new Date(row[0] as number).toISOString())).toEqual([
      "2023-12-28T05:00:00.000Z",
      "2023-12-29T05:00:00.000Z",
      "2024-01-02T05:00:00.000Z",
      "2024-01-03T05:00:00.000Z",
    ]);
    const day = daily[2] as number[];
    const hours = hourly.slice(0, 7) as number[][];
    expect(day.slice(1, 5)).toEqual([
      hours[0]?.[1],
      Math.max(...hours.map((h) => h[2] as number)),
      Math.min(...hours.map((h) => h[3] as number)),
      hours[6]?.[4],
    ]);
  });

  it("fills a market order while open at the tape price; the balance and the position follow", async () => {
    const price = sim.book.price("SPY");
    const order = await exchange.createOrder("SPY/USD", "market", "buy", 10, undefined, { clientOrderId: "aegis-1" });
    expect(order).toMatchObject({
      clientOrderId: "aegis-1",
      status: "closed",
      filled: 10,
      average: price,
      symbol: "SPY/USD",
    });
    const balance = await exchange.fetchBalance();
    expect(balance["USD"]?.free).toBeCloseTo(100_000 - 10 * price, 6);
    // CCXT's alpaca balance lists crypto positions only ("BTCUSD"); stock positions come from /v2/positions.
    const raw = exchange as unknown as { traderPrivateGetV2Positions(): Promise<Record<string, string>[]> };
    const [position] = await raw.traderPrivateGetV2Positions();
    expect(position).toMatchObject({ symbol: "SPY", qty: "10", side: "long", asset_class: "us_equity" });
    expect(Number(position?.["avg_entry_price"])).toBe(price);
  });

  it("holds an order sent while the market is closed and fills it at the next session's first minute", async () => {
    clock.set(at("2024-01-03T22:00:00Z")); // 17:00 New York
    const order = await exchange.createOrder("AAPL/USD", "market", "buy", 2.5);
    expect(order.status).toBe("open");
    expect((order.info as { status: string }).status).toBe("accepted");
    clock.set(at("2024-01-04T14:29:00Z"));
    expect((await exchange.fetchOpenOrders()).map((o) => o.id)).toEqual([order.id]);
    clock.set(at("2024-01-04T14:45:00Z"));
    const filled = await exchange.fetchOrder(order.id as string);
    const tape = sim.book.tapes.get("AAPL");
    const first = tape?.minuteIndex(at("2024-01-04T14:30:00Z")) as number;
    expect(filled).toMatchObject({ status: "closed", filled: 2.5, average: tape?.series.open[first] });
    expect(filled.lastTradeTimestamp).toBe(at("2024-01-04T14:30:00Z"));
  });

  it("refuses a fractional order on a whole-share stock, too little buying power, and cancels an open limit", async () => {
    // CCXT would round 1.5 down to the market's whole-share step: send it raw to see the venue refuse it.
    const raw = exchange as unknown as { traderPrivatePostV2Orders(body: object): Promise<unknown> };
    const fractional = { symbol: "SPY", qty: "1.5", side: "buy", type: "market", time_in_force: "day" };
    await expect(raw.traderPrivatePostV2Orders(fractional)).rejects.toThrow(/fractional orders are not supported/);
    await expect(exchange.createOrder("SPY/USD", "market", "buy", 100_000)).rejects.toThrow(
      /insufficient buying power/,
    );
    const limit = await exchange.createOrder("SPY/USD", "limit", "buy", 1, 1, { timeInForce: "gtc" });
    expect(limit.status).toBe("open");
    await exchange.cancelOrder(limit.id as string);
    expect((await exchange.fetchOrder(limit.id as string)).status).toBe("canceled");
    expect(await exchange.fetchOpenOrders()).toEqual([]);
  });
});
