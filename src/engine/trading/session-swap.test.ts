import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import { MemorySessionStore } from "./session-store.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;
const series = simulateMarket({ seed: 7, bars: 400, symbol: "SIM/USDT" }).series;

function session(spec: object) {
  const clock = new ManualClock((series.time[200] as number) + H);
  const feed = new ReplayFeed([series], H, clock);
  const store = new MemorySessionStore();
  const s = new TradingSession({
    session: "swap",
    slots: [
      { symbol: "SIM/USDT", strategy: compileSpec(validateSpec(spec)), instrument: defaultInstrument("SIM/USDT") },
    ],
    timeframe: "1h",
    cash: 10_000,
    feed,
    store,
    clock,
    warmupBars: 200,
  });
  const runUntil = async (index: number) => {
    feed.deliverUntil((series.time[index] as number) + H);
    await s.flushed();
  };
  return { s, store, runUntil };
}

describe("swapping a session's strategy", () => {
  it("closes a short the new long-only strategy cannot hold, and records why", async () => {
    const { s, store, runUntil } = session({ name: "short", allowShort: true, entry: { short: { gt: ["close", 0] } } });
    await s.start();
    await runUntil(210);
    expect(s.portfolio.positionQuantity("SIM/USDT")).toBeLessThan(0);
    await s.swapStrategy(
      "SIM/USDT",
      compileSpec(validateSpec({ name: "long", entry: { long: { lt: ["close", 0] } } })),
      "test",
    );
    await runUntil(212);
    expect(s.portfolio.positionQuantity("SIM/USDT")).toBe(0);
    const swapped = store.all("swap", "events").find((e) => e.type === "STRATEGY_SWAPPED");
    expect(swapped?.payload).toMatchObject({
      from: "short",
      to: "long",
      reason: "test",
      position: "short closed: the new strategy is long-only",
    });
    await s.stop();
  });

  it("computes the new strategy's indicators over the slot's history: it decides at the next bar as a fresh start would", async () => {
    const sma = {
      name: "above-sma",
      indicators: { slow: { type: "sma", period: 150 } },
      entry: { long: { gt: ["close", "slow"] } },
      exit: { long: { lt: ["close", "slow"] } },
    };
    // One session swaps to the SMA strategy at bar 300; the other runs it from the start, flat until then.
    const swapped = session({ name: "never", entry: { long: { lt: ["close", 0] } } });
    await swapped.s.start();
    await swapped.runUntil(300);
    await swapped.s.swapStrategy("SIM/USDT", compileSpec(validateSpec(sma)), "test");
    await swapped.runUntil(399);
    const fresh = session(sma);
    await fresh.s.start();
    await fresh.runUntil(399);
    const decidedAfterSwap = (store: MemorySessionStore) =>
      store
        .all("swap", "decisions")
        .filter((d) => d.time > (series.time[300] as number))
        .map((d) => [d.time, d.action]);
    // Both are flat when the swapped one first buys (the SMA crossing up): from then on they decide alike.
    const a = decidedAfterSwap(swapped.store);
    const b = decidedAfterSwap(fresh.store);
    expect(a.length).toBeGreaterThan(0);
    const firstBuy = a.find(([, action]) => action === "buy")?.[0] as number;
    expect(firstBuy).toBeDefined();
    expect(b.filter(([time]) => (time as number) >= firstBuy)).toEqual(
      a.filter(([time]) => (time as number) >= firstBuy),
    );
    await swapped.s.stop();
    await fresh.s.stop();
  });
});
