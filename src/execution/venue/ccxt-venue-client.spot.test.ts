import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { collectReports, reportsUntil, startVenueHarness, type VenueHarness } from "./testing/venue-harness.js";

describe("CCXT venue client against the simulated exchange: Binance spot through real CCXT", () => {
  let harness: VenueHarness;
  beforeEach(async () => {
    harness = await startVenueHarness("binance");
  });
  afterEach(async () => {
    await harness.close();
  });

  test("a market order goes out with its client order id and reports acknowledged, then filled with the trade id", async () => {
    const reports = await collectReports(harness, "spot");
    const ack = await harness.client.submit({
      clientOrderId: "aegis-spot-1",
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      quantity: 0.01,
    });
    expect(ack.recovered).toBe(false);
    expect(ack.order).toMatchObject({ clientOrderId: "aegis-spot-1", status: "filled", filledQuantity: 0.01 });
    const [placed] = harness.sim.orders("spot");
    expect(placed?.clientOrderId).toBe("aegis-spot-1");
    await reportsUntil(harness, reports, (all) => all.some((report) => report.kind === "filled"));
    expect(reports.map((report) => report.kind)).toEqual(["acknowledged", "filled"]);
    const fill = reports[1]!;
    expect(fill.kind === "filled" && fill.tradeId).toBe(String(placed!.fills[0]!.tradeId));
    expect(fill).toMatchObject({ clientOrderId: "aegis-spot-1", symbol: "BTC/USDT", quantity: 0.01 });
  });

  test("an order larger than the best level fills in parts: partially-filled reports, then filled", async () => {
    const reports = await collectReports(harness, "spot");
    await harness.client.submit({
      clientOrderId: "big-1",
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      quantity: 0.2,
    });
    await reportsUntil(harness, reports, (all) => all.some((report) => report.kind === "filled"));
    const fills = reports.filter((report) => report.kind === "partially-filled" || report.kind === "filled");
    expect(fills.length).toBeGreaterThan(1);
    expect(fills.slice(0, -1).every((report) => report.kind === "partially-filled")).toBe(true);
    const last = fills[fills.length - 1]!;
    expect(last.kind === "filled" && last.cumulativeQuantity).toBeCloseTo(0.2, 10);
    expect(
      new Set(fills.map((report) => (report.kind === "filled" || report.kind === "partially-filled") && report.tradeId))
        .size,
    ).toBe(fills.length);
  });

  test("a resting limit order is found by client id and among open orders, and cancels by client id", async () => {
    const reports = await collectReports(harness, "spot");
    const price = Math.round(harness.sim.lastPrice("BTCUSDT") * 0.9);
    await harness.client.submit({
      clientOrderId: "rest-1",
      symbol: "BTC/USDT",
      side: "buy",
      type: "limit",
      quantity: 0.01,
      price,
    });
    const found = await harness.client.fetchOrderByClientId("rest-1", "BTC/USDT");
    expect(found).toMatchObject({ clientOrderId: "rest-1", status: "open", price, quantity: 0.01 });
    expect((await harness.client.fetchOpenOrders("BTC/USDT")).map((order) => order.clientOrderId)).toEqual(["rest-1"]);
    const cancelled = await harness.client.cancel("rest-1", "BTC/USDT");
    expect(cancelled.status).toBe("cancelled");
    expect(await harness.client.fetchOpenOrders("BTC/USDT")).toEqual([]);
    await reportsUntil(harness, reports, (all) => all.some((report) => report.kind === "cancelled"));
    expect(reports.map((report) => [report.kind, report.clientOrderId])).toEqual([
      ["acknowledged", "rest-1"],
      ["cancelled", "rest-1"],
    ]);
  });

  test("a resting limit order fills when the simulated market reaches it", async () => {
    const price = harness.sim.lastPrice("BTCUSDT");
    // A sell just above the market: the first tick that trades up to it fills it as maker.
    const limit = Math.round((price + 5) * 100) / 100;
    await harness.client.submit({
      clientOrderId: "buy-first",
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      quantity: 0.01,
    });
    await harness.client.submit({
      clientOrderId: "sell-later",
      symbol: "BTC/USDT",
      side: "sell",
      type: "limit",
      quantity: 0.005,
      price: limit,
    });
    let order = await harness.client.fetchOrderByClientId("sell-later", "BTC/USDT");
    for (let minute = 0; minute < 600 && order.status === "open"; minute++) {
      harness.sim.advance(60_000);
      if (harness.sim.lastPrice("BTCUSDT") >= limit)
        order = await harness.client.fetchOrderByClientId("sell-later", "BTC/USDT");
    }
    expect(order).toMatchObject({ status: "filled", averagePrice: limit });
  });

  test("balances show the fee of 0.1 % taken in the asset received", async () => {
    const ack = await harness.client.submit({
      clientOrderId: "fee-1",
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      quantity: 0.01,
    });
    const balances = await harness.client.fetchBalances();
    const btc = balances.find((balance) => balance.asset === "BTC");
    const usdt = balances.find((balance) => balance.asset === "USDT");
    expect(btc?.total).toBeCloseTo(0.01 * 0.999, 10);
    expect(usdt?.total).toBeCloseTo(10_000 - 0.01 * ack.order.averagePrice!, 6);
    expect(await harness.client.fetchPositions()).toEqual([]);
  });
});
