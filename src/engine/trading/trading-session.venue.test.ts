import { afterEach, describe, expect, it } from "vitest";
import { MINUTE, scripted, startVenueRig, type VenueRig } from "./testing/venue-rig.js";

describe.each(["binance", "binanceusdm"] as const)("a testnet session through real CCXT: %s", (exchangeId) => {
  let rig: VenueRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("places, fills and closes trades; the store's orders, fills and positions are the venue's", async () => {
    rig = await startVenueRig(exchangeId);
    const p = await rig.launch(
      scripted(
        {
          1: { action: "buy", reason: "scripted entry" },
          4: { action: "close", reason: "scripted exit" },
          6: { action: "buy", reason: "second entry" },
          9: { action: "close", reason: "second exit" },
        },
        rig.start,
      ),
    );
    await p.advance(12);
    const trades = rig.store.all("live-1", "trades");
    expect(trades).toHaveLength(2);
    expect(trades.map((t) => t.exitReason)).toEqual(["scripted exit", "second exit"]);
    const venueOrders = rig.sim.orders(exchangeId === "binance" ? "spot" : "futures");
    expect(venueOrders.map((o) => o.clientOrderId)).toEqual(["live-1-1", "live-1-2", "live-1-3", "live-1-4"]);
    const intents = rig.store.all("live-1", "intents").map((i) => i.order.clientOrderId);
    expect(intents).toEqual(["live-1-1", "live-1-2", "live-1-3", "live-1-4"]);
    expect(p.session.portfolio.positionQuantity("BTC/USDT")).toBe(0);
    expect(p.session.venue?.openOrders()).toEqual([]);
    await p.stop();
    void MINUTE;
  });
});
