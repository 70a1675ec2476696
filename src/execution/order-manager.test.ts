import { describe, expect, it } from "vitest";
import type { OrderRequest, OrderStatus } from "../domain/order.js";
import { CounterOrderIds, type OrderJournal, OrderManager } from "./order-manager.js";
import type { Venue, VenueReport } from "./venue.js";

function order(id: string, quantity = 1): OrderRequest {
  return { clientOrderId: id, symbol: "BTC/USDT", side: "buy", type: "market", quantity, reason: "test" };
}

/** A venue that records what it was sent and what the journal held at that moment. */
function recordingVenue(journal: { intents: string[] }) {
  const sent: { id: string; journaledBefore: boolean }[] = [];
  const venue: Venue = {
    addMarket: () => {},
    submit: (o) => {
      sent.push({ id: o.clientOrderId, journaledBefore: journal.intents.includes(o.clientOrderId) });
    },
    cancel: () => false,
    cancelAll: () => 0,
    processBar: () => {},
    exitLevels: () => undefined,
    setStop: () => {},
    openOrders: () => [],
  };
  return { venue, sent };
}

function memoryJournal() {
  const intents: string[] = [];
  const reports: { type: string; status: OrderStatus }[] = [];
  const journal: OrderJournal = {
    intent: (o) => intents.push(o.clientOrderId),
    report: (r, status) => reports.push({ type: r.type, status }),
  };
  return { journal, intents, reports };
}

describe("OrderManager", () => {
  it("journals every intent before the venue sees the order", () => {
    const memory = memoryJournal();
    const { venue, sent } = recordingVenue(memory);
    const manager = new OrderManager(venue, () => {}, memory.journal);
    manager.submit(order("a-1"), 0, 1000);
    manager.submit(order("a-2"), 0, 1000);
    expect(sent).toEqual([
      { id: "a-1", journaledBefore: true },
      { id: "a-2", journaledBefore: true },
    ]);
  });

  it("follows pending → accepted → partially filled → filled and forgets finished orders", () => {
    const memory = memoryJournal();
    const { venue } = recordingVenue(memory);
    const passed: VenueReport["type"][] = [];
    const manager = new OrderManager(venue, (r) => passed.push(r.type), memory.journal);
    manager.submit(order("a-1", 2), 0, 1000);
    expect(manager.open().map((s) => s.status)).toEqual(["pending"]);
    manager.report({ type: "accepted", time: 1001, order: order("a-1", 2) });
    expect(manager.open().map((s) => s.status)).toEqual(["accepted"]);
    const fill = { ...order("a-1"), price: 100, fee: 0, time: 1002, liquidity: "taker" as const };
    manager.report({ type: "filled", time: 1002, fill, leverage: 1, remaining: 1 });
    expect(manager.open()[0]).toMatchObject({ status: "partially-filled", filled: 1 });
    manager.report({ type: "filled", time: 1003, fill, leverage: 1, remaining: 0 });
    expect(manager.open()).toEqual([]);
    expect(memory.reports.map((r) => r.status)).toEqual(["accepted", "partially-filled", "filled"]);
    expect(passed).toEqual(["accepted", "filled", "filled"]);
  });

  it("closes an order on reject, cancel or expiry", () => {
    const { venue } = recordingVenue({ intents: [] });
    const manager = new OrderManager(venue, () => {});
    for (const [id, type] of [
      ["r", "rejected"],
      ["c", "cancelled"],
      ["e", "expired"],
    ] as const) {
      manager.submit(order(id), 0, 0);
      manager.report({ type, time: 1, order: order(id), reason: "because" });
    }
    expect(manager.open()).toEqual([]);
  });

  it("adopts orders the venue made itself (attached exits) at their first report", () => {
    const { venue } = recordingVenue({ intents: [] });
    const manager = new OrderManager(venue, () => {});
    manager.report({ type: "accepted", time: 5, order: order("time-exit-1") });
    expect(manager.open().map((s) => s.order.clientOrderId)).toEqual(["time-exit-1"]);
  });

  it("passes funding reports through without touching order state", () => {
    const { venue } = recordingVenue({ intents: [] });
    const passed: string[] = [];
    const manager = new OrderManager(venue, (r) => passed.push(r.type));
    manager.report({ type: "funding", time: 1, symbol: "BTC/USDT", rate: 0.0001, markPrice: 100 });
    expect(passed).toEqual(["funding"]);
    expect(manager.open()).toEqual([]);
  });
});

describe("CounterOrderIds", () => {
  it("numbers ids from the start it is given, so a restart can continue a persisted sequence", () => {
    const ids = new CounterOrderIds("bot", 41);
    expect([ids.next(), ids.next()]).toEqual(["bot-42", "bot-43"]);
  });
});
