import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { collectReports, reportsUntil, startVenueHarness, type VenueHarness } from "./testing/venue-harness.js";
import { InsufficientFundsError, InvalidOrderError } from "./venue-errors.js";

describe("CCXT venue client against the simulated exchange: Binance USD-M futures through real CCXT", () => {
  let harness: VenueHarness;
  beforeEach(async () => {
    harness = await startVenueHarness("binanceusdm");
  });
  afterEach(async () => {
    await harness.close();
  });

  test("a market buy opens a long position and a reduce-only sell closes it, with ORDER_TRADE_UPDATE reports", async () => {
    const reports = await collectReports(harness, "futures");
    const open = await harness.client.submit({
      clientOrderId: "fut-open-1",
      symbol: "BTC/USDT:USDT",
      side: "buy",
      type: "market",
      quantity: 0.01,
    });
    expect(open.order).toMatchObject({ status: "filled", filledQuantity: 0.01, symbol: "BTC/USDT:USDT" });
    const [position] = await harness.client.fetchPositions();
    expect(position).toMatchObject({ symbol: "BTC/USDT:USDT", quantity: 0.01, entryPrice: open.order.averagePrice });
    await harness.client.submit({
      clientOrderId: "fut-close-1",
      symbol: "BTC/USDT:USDT",
      side: "sell",
      type: "market",
      quantity: 0.01,
      reduceOnly: true,
    });
    expect(await harness.client.fetchPositions()).toEqual([]);
    await reportsUntil(harness, reports, (all) => all.filter((report) => report.kind === "filled").length === 2);
    expect(reports.map((report) => [report.kind, report.clientOrderId])).toEqual([
      ["acknowledged", "fut-open-1"],
      ["filled", "fut-open-1"],
      ["acknowledged", "fut-close-1"],
      ["filled", "fut-close-1"],
    ]);
    const venueTradeIds = harness.sim
      .orders("futures")
      .flatMap((order) => order.fills.map((fill) => String(fill.tradeId)));
    expect(reports.flatMap((report) => (report.kind === "filled" ? [report.tradeId] : []))).toEqual(venueTradeIds);
  });

  test("a short position is reported with a negative quantity", async () => {
    await harness.client.submit({
      clientOrderId: "short-1",
      symbol: "ETH/USDT:USDT",
      side: "sell",
      type: "market",
      quantity: 0.1,
    });
    const [position] = await harness.client.fetchPositions();
    expect(position).toMatchObject({ symbol: "ETH/USDT:USDT", quantity: -0.1 });
  });

  test("a limit order rests, is found by client id and among open orders, and cancels", async () => {
    const price = Math.round(harness.sim.lastPrice("BTCUSDT") * 0.9);
    await harness.client.submit({
      clientOrderId: "fut-rest-1",
      symbol: "BTC/USDT:USDT",
      side: "buy",
      type: "limit",
      quantity: 0.01,
      price,
    });
    expect(await harness.client.fetchOrderByClientId("fut-rest-1", "BTC/USDT:USDT")).toMatchObject({
      status: "open",
      price,
    });
    expect((await harness.client.fetchOpenOrders()).map((order) => order.clientOrderId)).toEqual(["fut-rest-1"]);
    expect((await harness.client.cancel("fut-rest-1", "BTC/USDT:USDT")).status).toBe("cancelled");
    expect(await harness.client.fetchOpenOrders()).toEqual([]);
  });

  test("balances come from the futures wallet: the fee is paid in USDT", async () => {
    const ack = await harness.client.submit({
      clientOrderId: "fee-f",
      symbol: "BTC/USDT:USDT",
      side: "buy",
      type: "market",
      quantity: 0.01,
    });
    const usdt = (await harness.client.fetchBalances()).find((balance) => balance.asset === "USDT");
    const fee = 0.01 * ack.order.averagePrice! * 0.001;
    const unrealized = (harness.sim.lastPrice("BTCUSDT") - ack.order.averagePrice!) * 0.01;
    expect(usdt?.total).toBeCloseTo(10_000 - fee + unrealized, 6);
  });

  test("more than the margin allows is refused as insufficient funds (-2019), a reduce-only opening order as invalid", async () => {
    await expect(
      harness.client.submit({
        clientOrderId: "too-big",
        symbol: "BTC/USDT:USDT",
        side: "buy",
        type: "market",
        quantity: 900,
      }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(
      harness.client.submit({
        clientOrderId: "reduce-nothing",
        symbol: "BTC/USDT:USDT",
        side: "sell",
        type: "market",
        quantity: 0.01,
        reduceOnly: true,
      }),
    ).rejects.toBeInstanceOf(InvalidOrderError);
    expect(harness.sim.orders("futures")).toEqual([]);
  });
});
