import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MemorySessionStore } from "./session-store.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;

describe("TradingSession pause of new entries", () => {
  it("refuses every entry while paused (layer 'paused', who paused), lets exits out, and trades again after resume", async () => {
    const a = simulateMarket({ seed: 41, bars: 1500, symbol: "AAA/USDT" }).series;
    const start = (a.time[300] as number) + H;
    const clock = new ManualClock(start);
    const store = new MemorySessionStore();
    const feed = new ReplayFeed([a], H, clock);
    const s = new TradingSession({
      session: "paper-pause",
      slots: [
        {
          symbol: "AAA/USDT",
          strategy: loadStrategy("sma-cross", { fast: 5, slow: 20, stopLoss: 2 }),
          instrument: defaultInstrument("AAA/USDT"),
          size: { type: "percent-equity", value: 40 },
        },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store,
      clock,
      warmupBars: 5000,
    });
    await s.start();
    // Trade until a position is open, then pause.
    let i = 301;
    for (; i < a.length && s.portfolio.openPositionCount() === 0; i++) {
      feed.deliverUntil((a.time[i] as number) + H);
      await s.flushed();
    }
    s.pause("telegram:alice", "news at 14:00");
    const pausedAt = clock.now();
    const pauseUntil = i + 400;
    for (; i < pauseUntil; i++) {
      feed.deliverUntil((a.time[i] as number) + H);
      await s.flushed();
    }
    const during = store.all("paper-pause", "decisions").filter((d) => d.time >= pausedAt);
    const entries = during.filter((d) => d.outcome === "orders-sent" && d.orders.some((o) => !o.reduceOnly));
    expect(entries).toEqual([]);
    const refused = during.filter((d) => d.outcome === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.risk.flatMap((r) => r.verdicts)).toContainEqual(
      expect.objectContaining({ layer: "paused", verdict: "deny", reason: "paused by telegram:alice: news at 14:00" }),
    );
    // The position open at the pause was closed by its exit rule meanwhile.
    expect(s.portfolio.openPositionCount()).toBe(0);
    expect(store.all("paper-pause", "trades").some((t) => t.exitTime >= pausedAt)).toBe(true);

    s.resume("telegram:alice", "news passed");
    const resumedAt = clock.now();
    for (; i < a.length; i++) {
      feed.deliverUntil((a.time[i] as number) + H);
      await s.flushed();
    }
    const after = store.all("paper-pause", "decisions").filter((d) => d.time >= resumedAt);
    expect(after.some((d) => d.outcome === "orders-sent")).toBe(true);
    const events = store.all("paper-pause", "events").map((e) => e.type);
    expect(events).toContain("ENTRIES_PAUSED");
    expect(events).toContain("ENTRIES_RESUMED");
    await s.stop();
  });
});
