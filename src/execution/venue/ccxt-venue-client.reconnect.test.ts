import { afterEach, describe, expect, test } from "vitest";
import { collectReports, reportsUntil, startVenueHarness, type VenueHarness } from "./testing/venue-harness.js";

describe.each([
  { exchangeId: "binance", venue: "spot", symbol: "BTC/USDT" },
  { exchangeId: "binanceusdm", venue: "futures", symbol: "BTC/USDT:USDT" },
] as const)("venue report stream survives the WebSocket: $exchangeId", (setup) => {
  let harness: VenueHarness;
  afterEach(async () => {
    await harness.close();
  });

  test("after a dropped connection the stream resubscribes and reports continue; a malformed message is skipped", async () => {
    harness = await startVenueHarness(setup.exchangeId);
    const reports = await collectReports(harness, setup.venue);
    const market = (clientOrderId: string) =>
      harness.client.submit({ clientOrderId, symbol: setup.symbol, side: "buy", type: "market", quantity: 0.01 });
    // The frame goes out on the same socket before the order's events, so it has been handled once they arrive.
    harness.sim.sendRawWebSocket("{this is not json");
    await market("before-drop");
    await reportsUntil(harness, reports, (all) => all.some((report) => report.kind === "filled"));
    expect(harness.client.malformedMessages).toBe(1);
    harness.sim.dropWebSockets();
    await harness.sim.subscribed(`user:sim-key:${setup.venue}`);
    await market("after-drop");
    await reportsUntil(harness, reports, (all) => all.filter((report) => report.kind === "filled").length === 2);
    expect(reports.map((report) => [report.kind, report.clientOrderId])).toEqual([
      ["acknowledged", "before-drop"],
      ["filled", "before-drop"],
      ["acknowledged", "after-drop"],
      ["filled", "after-drop"],
    ]);
    expect(harness.sleeps.length).toBeGreaterThan(0);
  });
});
