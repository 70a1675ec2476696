import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MemorySessionStore } from "./session-store.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;

describe("TradingSession pause / resume (the API's pause)", () => {
  it("refuses every new entry while paused, naming who paused, and trades again after resume", async () => {
    const series = simulateMarket({ seed: 7, bars: 1200, symbol: "AAA/USDT" }).series;
    const clock = new ManualClock((series.time[300] as number) + H);
    const store = new MemorySessionStore();
    const feed = new ReplayFeed([series], H, clock);
    const session = new TradingSession({
      session: "p",
      slots: [
        {
          symbol: "AAA/USDT",
          strategy: loadStrategy("sma-cross", { fast: 3, slow: 8 }),
          instrument: defaultInstrument("AAA/USDT"),
          size: { type: "percent-equity", value: 50 },
        },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store,
      clock,
      warmupBars: 300,
    });
    const entries: boolean[] = [];
    session.bus.on("ORDER_PLACED", ({ order }) => entries.push(order.reduceOnly !== true));
    await session.start();
    expect(session.pause("alice", "news at 14:00")).toBe(true);
    expect(session.pause("bob", "again")).toBe(false);
    expect(session.paused).toEqual({ by: "alice", reason: "news at 14:00" });
    feed.deliverUntil((series.time[700] as number) + H);
    await session.flushed();
    expect(entries.filter(Boolean)).toEqual([]);
    const refused = store
      .all("p", "decisions")
      .flatMap((d) => d.risk.flatMap((r) => r.verdicts))
      .filter((v) => v.layer === "paused");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.reason).toBe("paused by alice: news at 14:00");

    expect(session.resume("alice", "news passed")).toBe(true);
    expect(session.resume("alice", "twice")).toBe(false);
    feed.deliverUntil((series.time[1199] as number) + H);
    await session.flushed();
    expect(entries.filter(Boolean).length).toBeGreaterThan(0);
    const kinds = store.all("p", "events").map((e) => e.type);
    expect(kinds).toContain("ENTRIES_PAUSED");
    expect(kinds).toContain("ENTRIES_RESUMED");
    await session.stop();
  });
});
