import { afterEach, describe, expect, it } from "vitest";
import { EventBus } from "../events.js";
import { scripted, startVenueRig, type VenueRig } from "./testing/venue-rig.js";

describe.each(["binance", "binanceusdm"] as const)("reconciliation at start against %s", (exchangeId) => {
  let rig: VenueRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  const venue = exchangeId === "binance" ? "spot" : "futures";
  const symbol = exchangeId === "binance" ? "BTC/USDT" : "BTC/USDT:USDT";
  const reconciled = () =>
    rig!.store
      .all("live-1", "events")
      .filter((e) => e.type === "RECONCILE")
      .map((e) => e.payload as { kind: string });
  const idle = () => scripted({}, rig!.start);

  it("adopts an open order with the session's prefix the store never recorded, and books its cancel made while down", async () => {
    rig = await startVenueRig(exchangeId);
    const outsider = await rig.outsider();
    await outsider.submit({
      clientOrderId: "live-1-900",
      symbol,
      side: "buy",
      type: "limit",
      quantity: 0.001,
      price: 20_000,
    });
    const first = await rig.launch(idle());
    expect(reconciled()).toMatchObject([
      { kind: "unknown-own-order", decision: "adopted", clientOrderId: "live-1-900" },
    ]);
    expect(first.session.venue?.openOrders().map((o) => o.clientOrderId)).toEqual(["live-1-900"]);
    await first.kill();
    await outsider.cancel("live-1-900", symbol);
    const second = await rig.launch(idle());
    expect(reconciled().at(-1)).toMatchObject({
      kind: "unanswered-intent",
      decision: "booked",
      clientOrderId: "live-1-900",
    });
    expect(second.session.venue?.openOrders()).toEqual([]);
    const cancelled = rig.store.all("live-1", "reports").find((r) => r.report.type === "cancelled");
    expect(cancelled?.report).toMatchObject({ order: { clientOrderId: "live-1-900" } });
    await second.stop();
  });

  it("leaves a foreign order alone, flags it and raises an alert after recording it", async () => {
    rig = await startVenueRig(exchangeId);
    const outsider = await rig.outsider();
    await outsider.submit({
      clientOrderId: "manual-7",
      symbol,
      side: "buy",
      type: "limit",
      quantity: 0.001,
      price: 20_000,
    });
    const bus = new EventBus();
    const alerts: string[] = [];
    const kinds: (string | undefined)[] = [];
    const storedWhenAlerted: number[] = [];
    bus.on("ALERT", (a) => {
      alerts.push(a.message);
      kinds.push(a.kind);
      storedWhenAlerted.push(reconciled().length);
    });
    const p = await rig.launch(idle(), { bus });
    expect(reconciled()).toMatchObject([
      { kind: "foreign-order", decision: "left-alone", clientOrderId: "manual-7", flagged: true },
    ]);
    expect(alerts).toEqual([expect.stringMatching(/^RECONCILE: buy 0.001 limit was not placed by this session/)]);
    expect(storedWhenAlerted).toEqual([1]);
    // Filed as a reconciliation difference by the alert channels.
    expect(kinds).toEqual(["reconciliation"]);
    expect(rig.sim.orders(venue).find((o) => o.clientOrderId === "manual-7")?.status).toBe("NEW");
    expect(p.session.venue?.openOrders()).toEqual([]);
    await p.stop();
  });

  it("flags a position the store does not hold, blocks new entries for that symbol and alerts", async () => {
    rig = await startVenueRig(exchangeId);
    const outsider = await rig.outsider();
    await outsider.submit({ clientOrderId: "manual-8", symbol, side: "buy", type: "market", quantity: 0.01 });
    const bus = new EventBus();
    const alerts: string[] = [];
    bus.on("ALERT", (a) => alerts.push(a.message));
    const p = await rig.launch(scripted({ 1: { action: "buy", reason: "entry" } }, rig.start), { bus });
    expect(reconciled().filter((d) => d.kind !== "cash-mismatch")).toMatchObject([
      { kind: "position-mismatch", decision: "entries-blocked", symbol: "BTC/USDT", flagged: true },
    ]);
    // The outsider's trade also moved cash: spot paid ~300 USDT for the coins (the session's 10 000 is no longer
    // covered), futures only a fee (within the tolerance).
    expect(reconciled().filter((d) => d.kind === "cash-mismatch")).toMatchObject([
      exchangeId === "binance" ? { decision: "cut-to-venue", flagged: true } : { decision: "adopted", flagged: false },
    ]);
    expect(alerts.some((m) => /^RECONCILE: the store holds 0, the venue 0\.0(1|0999)\b/.test(m))).toBe(true);
    await p.advance(3);
    const entry = rig.store.all("live-1", "decisions").find((d) => d.action === "buy");
    expect(entry?.outcome).toBe("rejected");
    expect(entry?.risk[0]?.verdicts).toMatchObject([{ layer: "reconciliation", verdict: "deny" }]);
    expect(rig.sim.orders(venue).map((o) => o.clientOrderId)).toEqual(["manual-8"]);
    await p.stop();
  });
});
