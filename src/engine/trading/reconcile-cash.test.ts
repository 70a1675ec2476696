import { afterEach, describe, expect, it } from "vitest";
import { SIM_API_KEY } from "../../execution/sim-exchange/sim-exchange.js";
import { EventBus } from "../events.js";
import { scripted, startVenueRig, type VenueRig } from "./testing/venue-rig.js";

/** Cash reconciliation at start against the local exchange, whose balance a "person" changes between runs. */
describe.each(["binance", "binanceusdm"] as const)("cash reconciliation at start against %s", (exchangeId) => {
  let rig: VenueRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  const venue = exchangeId === "binance" ? "spot" : "futures";
  const cashRecords = () =>
    rig!.store
      .all("live-1", "events")
      .filter((e) => e.type === "RECONCILE" && (e.payload as { kind: string }).kind === "cash-mismatch")
      .map((e) => e.payload as Record<string, unknown>);
  const idle = () => scripted({}, rig!.start);
  /** Moves quote funds in (> 0) or out (< 0) of the account, as a transfer at the exchange's website would. */
  const transfer = (amount: number) => rig!.sim.engine.transfer(SIM_API_KEY, venue, "USDT", amount);
  const alertsOn = () => {
    const bus = new EventBus();
    const messages: string[] = [];
    bus.on("ALERT", (a) => messages.push(a.message));
    return { bus, messages };
  };

  it("finds no difference after the session's own trades, with a position held across the restart", async () => {
    rig = await startVenueRig(exchangeId);
    const strategy = scripted({ 1: { action: "buy", reason: "entry" } }, rig.start);
    const first = await rig.launch(strategy);
    await first.advance(3);
    expect(first.session.portfolio.positionQuantity("BTC/USDT")).toBeGreaterThan(0);
    await first.stop();
    const second = await rig.launch(strategy);
    expect(cashRecords()).toEqual([]);
    expect(rig.store.all("live-1", "events").filter((e) => e.type === "RECONCILE")).toEqual([]);
    await second.stop();
  });

  it("adopts a difference within the tolerance (fees, rounding) without an alert", async () => {
    rig = await startVenueRig(exchangeId);
    const first = await rig.launch(idle());
    await first.stop();
    const cashBefore = first.session.portfolio.cash;
    transfer(-3); // 0.03 % of 10 000: under the 0.1 % tolerance
    const { bus, messages } = alertsOn();
    const second = await rig.launch(idle(), { bus });
    expect(cashRecords()).toMatchObject([
      { kind: "cash-mismatch", decision: "adopted", symbol: "USDT", flagged: false, adjustment: -3 },
    ]);
    expect(second.session.portfolio.cash).toBeCloseTo(cashBefore - 3, 6);
    expect(messages).toEqual([]);
    // The adopted cash is what the store holds now.
    expect(rig.store.steps.get("live-1")?.at(-1)?.state.portfolio.cash).toBeCloseTo(cashBefore - 3, 6);
    await second.stop();
  });

  it("leaves a deposit beyond the tolerance out of the session's cash, flags and alerts it once", async () => {
    rig = await startVenueRig(exchangeId);
    const first = await rig.launch(idle());
    await first.stop();
    transfer(500);
    const { bus, messages } = alertsOn();
    const second = await rig.launch(idle(), { bus });
    expect(cashRecords()).toMatchObject([
      { decision: "left-alone", flagged: true, difference: 500, adjustment: 0, venue: 10_500, expected: 10_000 },
    ]);
    expect(second.session.portfolio.cash).toBe(10_000);
    expect(messages).toEqual([expect.stringMatching(/^RECONCILE: the venue holds 10500 USDT, 500 USDT more/)]);
    await second.stop();
    // The deposit is now part of the rest of the account: the next start finds nothing.
    const third = await rig.launch(idle());
    expect(cashRecords()).toHaveLength(1);
    await third.stop();
  });

  it("cuts the session's cash to a venue that holds less than it, flags and alerts", async () => {
    rig = await startVenueRig(exchangeId);
    const first = await rig.launch(idle());
    await first.stop();
    transfer(-6_000);
    const { bus, messages } = alertsOn();
    const second = await rig.launch(idle(), { bus });
    expect(cashRecords()).toMatchObject([
      { decision: "cut-to-venue", flagged: true, venue: 4_000, adjustment: -6_000 },
    ]);
    expect(second.session.portfolio.cash).toBe(4_000);
    expect(messages).toEqual([
      expect.stringMatching(/^RECONCILE: the venue holds 4000 USDT, less than the session's 10000 USDT/),
    ]);
    await second.stop();
  });
});
