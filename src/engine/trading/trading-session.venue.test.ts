import { afterEach, describe, expect, it } from "vitest";
import type { StrategySignal } from "../../strategy/strategy.js";
import { EventBus } from "../events.js";
import { type RigProcess, scripted, startVenueRig, type VenueRig } from "./testing/venue-rig.js";

const SYMBOL = "BTC/USDT";
const ROUND_TRIPS: Record<number, StrategySignal> = {
  1: { action: "buy", reason: "scripted entry" },
  4: { action: "close", reason: "scripted exit" },
  6: { action: "buy", reason: "second entry" },
  9: { action: "close", reason: "second exit" },
};

/** The venue's position of BTC/USDT: the USDⓈ-M position, or the spot BTC balance. */
async function venuePosition(p: RigProcess, rig: VenueRig): Promise<number> {
  if (rig.exchangeId === "binanceusdm")
    return (await p.client.fetchPositions()).find((x) => x.symbol === "BTC/USDT:USDT")?.quantity ?? 0;
  return (await p.client.fetchBalances()).find((b) => b.asset === "BTC")?.total ?? 0;
}

/** The store's position and the venue's agree (spot: up to the dust the venue keeps from base-asset fees). */
async function expectPositionsEqual(p: RigProcess, rig: VenueRig): Promise<void> {
  const ours = p.session.portfolio.positionQuantity(SYMBOL) + (p.session.venue?.dust(SYMBOL) ?? 0);
  expect(await venuePosition(p, rig)).toBeCloseTo(ours, 9);
}

describe.each(["binance", "binanceusdm"] as const)("a testnet session through real CCXT: %s", (exchangeId) => {
  let rig: VenueRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  const venue = exchangeId === "binance" ? "spot" : "futures";
  const orderPath = exchangeId === "binance" ? "/api/v3/order" : "/fapi/v1/order";
  const venueIds = () => rig!.sim.orders(venue).map((o) => o.clientOrderId);

  it("places, fills and closes trades; the store's orders, fills and positions are the venue's", async () => {
    rig = await startVenueRig(exchangeId);
    const p = await rig.launch(scripted(ROUND_TRIPS, rig.start));
    await p.advance(12);
    const trades = rig.store.all("live-1", "trades");
    expect(trades.map((t) => t.exitReason)).toEqual(["scripted exit", "second exit"]);
    expect(venueIds()).toEqual(["live-1-1", "live-1-2", "live-1-3", "live-1-4"]);
    expect(rig.store.all("live-1", "intents").map((i) => i.order.clientOrderId)).toEqual(venueIds());
    const fills = rig.store.all("live-1", "reports").filter((r) => r.report.type === "filled");
    expect(fills).toHaveLength(4);
    expect(p.session.portfolio.positionQuantity(SYMBOL)).toBe(0);
    await expectPositionsEqual(p, rig);
    await p.stop();
  });

  it("commits a fill that arrives between bars in a small commit of its own, before the next bar", async () => {
    rig = await startVenueRig(exchangeId);
    const p = await rig.launch(scripted(ROUND_TRIPS, rig.start));
    await p.advance(2);
    const steps = rig.store.steps.get("live-1") ?? [];
    const withIntent = steps.findIndex((s) => s.intents.some((i) => i.order.clientOrderId === "live-1-1"));
    expect(withIntent).toBeGreaterThanOrEqual(0);
    // The step that made the order does not know its fill; the record after it does, at the same step close.
    expect(steps[withIntent]?.reports).toEqual([]);
    const booked = steps.slice(withIntent + 1).find((s) => s.reports.some((r) => r.report.type === "filled"));
    expect(booked?.state.close).toBe(steps[withIntent]?.state.close);
    expect(booked?.decisions).toEqual([]);
    expect(booked?.state.portfolio.positions.length ?? 0).toBe(1);
    await p.stop();
  });

  it("a crash between 'committed' and 'sent': the restart marks the order never-sent and does not resend it", async () => {
    rig = await startVenueRig(exchangeId);
    const strategy = scripted(ROUND_TRIPS, rig.start);
    const first = await rig.launch(strategy);
    first.store.cutAfterOrders = true;
    await first.advance(2);
    await first.kill();
    expect(venueIds()).toEqual([]);
    const second = await rig.launch(strategy);
    const events = rig.store.all("live-1", "events").filter((e) => e.type === "RECONCILE");
    expect(events.map((e) => e.payload)).toMatchObject([
      { kind: "unanswered-intent", decision: "never-sent", clientOrderId: "live-1-1", flagged: false },
    ]);
    const closed = rig.store.all("live-1", "reports").find((r) => r.report.type === "cancelled");
    expect(closed?.report).toMatchObject({ order: { clientOrderId: "live-1-1" } });
    await second.advance(10);
    // Trading went on with new ids; live-1-1 never reached the venue.
    expect(venueIds()).toEqual(["live-1-2", "live-1-3"]);
    await expectPositionsEqual(second, rig);
    await second.stop();
  });

  it("a crash between 'sent' and 'acknowledged': the restart books the fill once; no order twice", async () => {
    rig = await startVenueRig(exchangeId);
    const strategy = scripted(ROUND_TRIPS, rig.start);
    const first = await rig.launch(strategy);
    // The process dies the moment the venue accepts the order: nothing after that reaches the store.
    rig.sim.engine.onEvent((event) => {
      if (event.order.clientOrderId === "live-1-1") first.store.cut();
    });
    await first.advance(2);
    await first.kill();
    expect(venueIds()).toEqual(["live-1-1"]);
    const second = await rig.launch(strategy);
    const reconciled = rig.store.all("live-1", "events").filter((e) => e.type === "RECONCILE");
    expect(reconciled.map((e) => e.payload)).toMatchObject([
      { kind: "unanswered-intent", decision: "booked", clientOrderId: "live-1-1" },
    ]);
    expect(second.session.portfolio.positionQuantity(SYMBOL)).toBeGreaterThan(0);
    await expectPositionsEqual(second, rig);
    await second.advance(10);
    expect(venueIds()).toEqual(["live-1-1", "live-1-2", "live-1-3", "live-1-4"]);
    expect(rig.store.all("live-1", "trades")).toHaveLength(2);
    await expectPositionsEqual(second, rig);
    await second.stop();
  });

  it("a lost answer whose look-ups fail too is never resent, and is resolved by client id later", async () => {
    rig = await startVenueRig(exchangeId);
    const bus = new EventBus();
    const alerts: string[] = [];
    bus.on("ALERT", (a) => alerts.push(a.message));
    const p = await rig.launch(scripted(ROUND_TRIPS, rig.start), { bus });
    rig.sim.faults.add({ kind: "lose-response" }, { path: orderPath, method: "POST" });
    rig.sim.faults.add({ kind: "drop-connection" }, { path: orderPath, method: "GET", times: 4 });
    await p.advance(3);
    expect(alerts.some((m) => m.startsWith("ORDER_UNCERTAIN"))).toBe(true);
    await p.advance(8);
    expect(venueIds()).toEqual(["live-1-1", "live-1-2", "live-1-3", "live-1-4"]);
    expect(rig.sim.requests.filter((r) => r.method === "POST" && r.path === orderPath)).toHaveLength(4);
    expect(rig.store.all("live-1", "trades")).toHaveLength(2);
    await expectPositionsEqual(p, rig);
    await p.stop();
  });

  it("sends no second entry for a symbol while the first still waits for the venue's answer", async () => {
    rig = await startVenueRig(exchangeId);
    const p = await rig.launch(
      scripted({ 1: { action: "buy", reason: "first" }, 2: { action: "buy", reason: "again" } }, rig.start),
    );
    // The order never arrives and the venue cannot be asked about it for a while: its fate stays unknown.
    rig.sim.faults.add({ kind: "drop-connection" }, { path: orderPath, method: "POST" });
    rig.sim.faults.add({ kind: "drop-connection" }, { path: orderPath, method: "GET", times: 30 });
    await p.advance(3);
    const again = rig.store.all("live-1", "decisions").find((d) => d.time === rig!.start + 2 * 60_000);
    expect(again?.outcome).toBe("rejected");
    expect(again?.risk[0]?.verdicts).toMatchObject([{ layer: "venue", verdict: "deny" }]);
    expect(venueIds()).toEqual([]);
    await p.stop();
  });

  it("a refusal by the venue is a recorded rejection; a rate limit is waited out and the order sent once", async () => {
    rig = await startVenueRig(exchangeId);
    const p = await rig.launch(scripted(ROUND_TRIPS, rig.start));
    rig.sim.faults.add(
      {
        kind: "binance-error",
        status: 400,
        code: -2010,
        msg: "Account has insufficient balance for requested action.",
      },
      { path: orderPath, method: "POST" },
    );
    await p.advance(2);
    const rejected = rig.store.all("live-1", "reports").find((r) => r.report.type === "rejected");
    expect(rejected?.report).toMatchObject({ order: { clientOrderId: "live-1-1" } });
    expect(rejected?.report.type === "rejected" && rejected.report.reason).toMatch(/insufficient balance/);
    rig.sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 2 }, { path: orderPath, method: "POST", times: 5 });
    await p.advance(6);
    const posts = rig.sim.requests.filter((r) => r.method === "POST" && r.path === orderPath).map((r) => r.status);
    expect(posts.slice(1, 7)).toEqual([429, 429, 429, 429, 429, 200]);
    expect(venueIds()).toEqual(["live-1-2"]);
    expect(rig.store.all("live-1", "events").some((e) => e.type === "VENUE_RATE_LIMITED")).toBe(true);
    await expectPositionsEqual(p, rig);
    await p.stop();
  });

  it("emulates an attached exit engine-side, and the emulator's state survives a restart", async () => {
    rig = await startVenueRig(exchangeId);
    const strategy = scripted(
      { 1: { action: "buy", reason: "entry", exits: { maxBars: 5, stopLossPct: 0.5 } } },
      rig.start,
    );
    const first = await rig.launch(strategy);
    await first.advance(3);
    const levels = first.session.venue?.exitLevels(SYMBOL);
    expect(levels?.stop).toBeGreaterThan(0);
    await first.kill();
    const second = await rig.launch(strategy);
    expect(second.session.venue?.exitLevels(SYMBOL)).toEqual(levels);
    await second.advance(8);
    const trades = rig.store.all("live-1", "trades");
    expect(trades.map((t) => t.exitReason)).toEqual(["emulated time exit after 5 bars"]);
    expect(venueIds()).toEqual(["live-1-1", "live-1-x-2"]);
    await expectPositionsEqual(second, rig);
    await second.stop();
  });
});
