import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/sim-market.js";
import { ManualClock } from "../domain/clock.js";
import { defaultInstrument } from "../domain/instrument.js";
import { MemorySessionStore } from "../engine/trading/session-store.js";
import { ReplayFeed } from "../engine/trading/testing/replay-feed.js";
import type { EmergencyStopRequest } from "../engine/trading/trading-session.js";
import { TradingSession } from "../engine/trading/trading-session.js";
import { loadStrategy } from "../strategy/registry.js";
import { sessionControl } from "./session-control.js";

const H = 3_600_000;

describe("sessionControl", () => {
  it("answers status and balance from the session, pauses its entries and leaves the stop request for the session", async () => {
    const a = simulateMarket({ seed: 41, bars: 600, symbol: "AAA/USDT" }).series;
    const clock = new ManualClock((a.time[300] as number) + H);
    const feed = new ReplayFeed([a], H, clock);
    const session = new TradingSession({
      session: "paper-ctl",
      slots: [{ symbol: "AAA/USDT", strategy: loadStrategy("sma-cross"), instrument: defaultInstrument("AAA/USDT") }],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store: new MemorySessionStore(),
      clock,
      warmupBars: 300,
    });
    const requests: EmergencyStopRequest[] = [];
    const control = sessionControl({
      session,
      clock,
      header: "Aegis paper",
      requestStop: async (r) => void requests.push(r),
      recentTrades: async () => [
        {
          tradeId: "t1",
          symbol: "AAA/USDT",
          side: "long",
          qty: 0.5,
          entryTime: 0,
          entryPrice: 100,
          exitTime: Date.UTC(2024, 0, 2, 14),
          exitPrice: 110,
          pnl: 4.9,
          fees: 0.1,
          exitReason: "take-profit",
        },
      ],
    });
    expect(control.status()).toBe("starting: warming up, no step traded yet");
    expect(control.equity()).toBe(10_000);
    await session.start();
    feed.deliverUntil((a.time[320] as number) + H);
    await session.flushed();
    expect(control.status()).toMatch(/^Aegis paper · .* · step 20\n {2}equity /);
    expect(await control.balance()).toMatch(/^equity [\d,.]+ \([+-][\d.]+ % on 10,000.00\)\ncash /);
    expect(await control.trades(5)).toBe("2024-01-02 14:00 AAA/USDT long 0.5 100.00 → 110.00 +4.90 (take-profit)");
    expect(await control.pause("telegram:alice")).toContain("new entries paused");
    expect(session.paused?.by).toBe("telegram:alice");
    expect(control.status()).toContain("new entries PAUSED by telegram:alice");
    expect(await control.resume("telegram:alice")).toBe("new entries allowed again");
    expect(session.paused).toBeUndefined();
    await control.stop("telegram:alice");
    expect(requests).toEqual([{ by: "telegram:alice", reason: "emergency stop from Telegram", flatten: false }]);
    await session.stop();
  });
});
