import { afterEach, describe, expect, it } from "vitest";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import { ManualClock } from "../../domain/clock.js";
import { alpacaSimClient } from "../alpaca-sim/alpaca-client.js";
import { type AlpacaSim, startAlpacaSim } from "../alpaca-sim/alpaca-sim.js";
import { AlpacaVenueClient } from "./alpaca-venue-client.js";
import type { VenueReport } from "./venue-client.js";
import { InvalidOrderError, OrderNotFoundError } from "./venue-errors.js";

const at = (iso: string) => Date.parse(iso);
let sim: AlpacaSim | undefined;
let client: AlpacaVenueClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = undefined;
  sim = undefined;
});

/** The client on a local Alpaca whose market time is `clock`; polls run only when the test calls pollOnce. */
async function start(clock: ManualClock): Promise<{ client: AlpacaVenueClient; reports: VenueReport[] }> {
  sim = await startAlpacaSim({ now: () => clock.now(), startTime: at("2024-01-02T00:00:00Z"), days: 30, seed: 5 });
  client = new AlpacaVenueClient({
    ccxt: await loadCcxt(),
    exchange: await alpacaSimClient(sim.url),
    sleep: async () => {},
    // The background poll loop waits forever: each test polls by hand, so reports arrive exactly when it asks.
    pollWait: () => new Promise(() => {}),
  });
  const reports: VenueReport[] = [];
  client.onReport((report) => reports.push(report));
  return { client, reports };
}

describe("AlpacaVenueClient on the local Alpaca (CCXT alpaca, real HTTP)", () => {
  it("a market order in an open market: acknowledged and filled once, in tickers, at the venue's price", async () => {
    const clock = new ManualClock(at("2024-01-08T15:00:00Z")); // Monday 10:00 New York
    const { client, reports } = await start(clock);
    const ack = await client.submit({
      clientOrderId: "s-1",
      symbol: "AAPL",
      side: "buy",
      type: "market",
      quantity: 1.5,
    });
    expect(ack.order).toMatchObject({ clientOrderId: "s-1", symbol: "AAPL", status: "filled", filledQuantity: 1.5 });
    await client.pollOnce();
    await client.pollOnce();
    expect(reports.map((r) => r.kind)).toEqual(["acknowledged", "filled"]);
    const fill = reports[1];
    expect(fill).toMatchObject({
      symbol: "AAPL",
      quantity: 1.5,
      cumulativeQuantity: 1.5,
      price: ack.order.averagePrice,
      fee: 0,
      tradeId: `${ack.order.venueOrderId}:1.5`,
    });
    const balances = await client.fetchBalances();
    expect(balances.find((b) => b.asset === "AAPL")).toMatchObject({ total: 1.5 });
    expect(balances.find((b) => b.asset === "USD")?.total).toBeCloseTo(100_000 - 1.5 * (ack.order.averagePrice ?? 0));
  });

  it("an order into a closed market waits open, is found by client id, and its cancel is reported", async () => {
    const clock = new ManualClock(at("2024-01-06T15:00:00Z")); // Saturday
    const { client, reports } = await start(clock);
    await client.submit({ clientOrderId: "w-1", symbol: "SPY", side: "buy", type: "market", quantity: 2 });
    await client.pollOnce();
    expect(reports.map((r) => r.kind)).toEqual(["acknowledged"]);
    expect(await client.fetchOpenOrders()).toMatchObject([{ clientOrderId: "w-1", symbol: "SPY", status: "open" }]);
    expect(await client.fetchOrderByClientId("w-1", "SPY")).toMatchObject({ status: "open", quantity: 2 });
    const cancelled = await client.cancel("w-1", "SPY");
    expect(cancelled.status).toBe("cancelled");
    await client.pollOnce();
    expect(reports.map((r) => r.kind)).toEqual(["acknowledged", "cancelled"]);
    await expect(client.fetchOrderByClientId("never-sent", "SPY")).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it("a queued order that fills at the next open is reported filled by the poll that follows", async () => {
    const clock = new ManualClock(at("2024-01-08T22:00:00Z")); // Monday 17:00 New York, after the close
    const { client, reports } = await start(clock);
    await client.submit({ clientOrderId: "q-1", symbol: "SPY", side: "buy", type: "market", quantity: 1 });
    await client.pollOnce();
    clock.advance(17 * 3_600_000); // Tuesday 10:00 New York
    await client.pollOnce();
    expect(reports.map((r) => r.kind)).toEqual(["acknowledged", "filled"]);
    expect(reports[1]).toMatchObject({ quantity: 1, timestamp: at("2024-01-09T14:30:00Z") });
  });

  it("refusals are InvalidOrderErrors naming the problem: fractional shares of a whole-share ETF", async () => {
    // CCXT refuses it before sending, from the market's amount precision that the venue's asset list gave.
    const clock = new ManualClock(at("2024-01-08T15:00:00Z"));
    const { client } = await start(clock);
    const error = await client
      .submit({ clientOrderId: "f-1", symbol: "SPY", side: "buy", type: "market", quantity: 0.5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(/SPY\/USD must be greater than minimum amount precision of 1/);
  });
});
