import { describe, expect, it } from "vitest";
import { NYSE, nextSession } from "../../data/calendar/exchange-calendar.js";
import { MarketHours } from "../../data/calendar/market-hours.js";
import { ManualClock } from "../../domain/clock.js";
import { MemorySessionStore } from "../../engine/trading/session-store.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { feedHealthLayer } from "../../risk/limits/feed-health.js";
import { RiskShield, sanityLayer } from "../../risk/shield.js";
import { loadStrategy } from "../../strategy/registry.js";
import { equityInstrument } from "../equity-instrument.js";
import { marketHoursLayer } from "../market-hours-layer.js";
import { alpacaSimPerTest, hourlyPolledFeed } from "./testing/hourly-polled-feed.js";

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const startSim = alpacaSimPerTest();

describe("paper session on the local Alpaca (CCXT alpaca, injected clock)", () => {
  it("trades AAPL and SPY hourly bars only into an open market: orders at the close are held to the next session", async () => {
    // Monday 2024-01-08, 09:00 New York.
    const clock = new ManualClock(at("2024-01-08T14:00:00Z"));
    const { client } = await startSim({
      now: () => clock.now(),
      startTime: at("2023-11-01T00:00:00Z"),
      days: 60,
      seed: 3,
    });
    const symbols = ["AAPL", "SPY"];
    const hours = new MarketHours({ AAPL: NYSE, SPY: NYSE });
    const polled = hourlyPolledFeed(client, clock, { timeframe: "1h", symbols: symbols.length });
    const feed = polled.feed;
    const store = new MemorySessionStore();
    const session = new TradingSession({
      session: "equities",
      slots: symbols.map((symbol) => ({
        symbol,
        strategy: loadStrategy("sma-cross", { fast: 2, slow: 5 }),
        instrument: equityInstrument(symbol, client.markets?.[`${symbol}/USD`]),
        size: { type: "percent-equity", value: 40 },
      })),
      timeframe: "1h",
      cash: 100_000,
      feed,
      store,
      clock,
      warmupBars: 40,
      graceMs: 60_000,
      simulated: { tradableBar: (symbol, time) => hours.tradableBar(symbol, time, H) },
      buildShield: (health) => new RiskShield([sanityLayer, feedHealthLayer(health), marketHoursLayer(hours, clock)]),
    });
    session.monitor.expectBars((symbol, time) => hours.tradableBar(symbol, time, H));
    await session.start();
    // Ten trading days, hour by hour: each hour both symbols poll once, then sleep until the next hour.
    await polled.waitForPolls("the first polls");
    await polled.runHours(session, 14 * 24);
    const fills = store
      .all("equities", "reports")
      .map((r) => r.report)
      .filter((r) => r.type === "filled");
    expect(fills.length).toBeGreaterThan(4);
    // Every fill is on a bar in a session, at a whole number of shares (SPY) or a fraction where allowed (AAPL).
    for (const report of fills) {
      if (report.type !== "filled") continue;
      expect(hours.tradableBar(report.fill.symbol, report.fill.time, H)).toBe(true);
      if (report.fill.symbol === "SPY") expect(Number.isInteger(report.fill.quantity)).toBe(true);
    }
    // Decisions at a bar that closes at 16:00 New York meet a closed market: recorded, and held to the morning.
    const decisions = store.all("equities", "decisions");
    const closing = decisions.filter((d) => d.outcome === "orders-sent" && !hours.isOpen(d.symbol, d.time + H));
    expect(closing.length).toBeGreaterThan(0);
    let heldFills = 0;
    for (const d of closing) {
      const verdict = d.risk.flatMap((r) => r.verdicts).find((v) => v.layer === "market-hours");
      expect(verdict?.reason).toMatch(/^market closed \(nyse\) until .*; (entry|exit) held until the open$/);
      // Filled at the next session's first bar (09:00 New York, holding the 09:30 open), not at the close.
      for (const order of d.orders) {
        const fill = fills.find((r) => r.type === "filled" && r.fill.clientOrderId === order.clientOrderId);
        if (fill?.type !== "filled") continue;
        const next = nextSession(NYSE, d.time + H);
        expect(fill.fill.time).toBe((next?.open as number) - 30 * 60_000);
        heldFills++;
      }
    }
    expect(heldFills).toBeGreaterThan(0);
    // No bar outside the session ever reached a strategy, and the feed never went stale or gapped overnight.
    expect(decisions.every((d) => hours.tradableBar(d.symbol, d.time, H))).toBe(true);
    const problems = store.all("equities", "events").filter((e) => e.type === "FEED_PROBLEM");
    expect(problems).toEqual([]);
    await session.stop();
  }, 120_000);
});
