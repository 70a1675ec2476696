import { describe, expect, it } from "vitest";
import { ignoreSignalsBefore } from "../../backtest/ignore-signals-before.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { type CandleSeries, sliceSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MemorySessionStore } from "./session-store.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession, type TradingSessionOptions } from "./trading-session.js";

const H = 3_600_000;
const market = (seed: number, symbol: string): CandleSeries => simulateMarket({ seed, bars: 1500, symbol }).series;
const strategy = loadStrategy("sma-cross", { fast: 5, slow: 20, stopLoss: 2 });

function session(
  series: readonly CandleSeries[],
  store: MemorySessionStore,
  clock: ManualClock,
  extra: Partial<TradingSessionOptions> = {},
) {
  const feed = new ReplayFeed(series, H, clock);
  const s = new TradingSession({
    session: "paper-1",
    slots: series.map((x) => ({
      symbol: x.symbol,
      strategy,
      instrument: defaultInstrument(x.symbol),
      size: { type: "percent-equity", value: 40 },
    })),
    timeframe: "1h",
    cash: 10_000,
    feed,
    store,
    clock,
    warmupBars: 5000,
    ...extra,
  });
  return { s, feed };
}

describe("TradingSession (paper)", () => {
  const a = market(41, "AAA/USDT");
  const b = market(42, "BBB/USDT");
  const start = (a.time[300] as number) + H;
  const end = (a.time[a.length - 1] as number) + H;

  it("trades the live bars into exactly the decisions and trades a backtest over the same bars makes", async () => {
    const clock = new ManualClock(start);
    const store = new MemorySessionStore();
    const { s, feed } = session([a, b], store, clock);
    const saved: number[] = [];
    s.bus.on("STATE_SAVED", (e) => saved.push(e.time));
    await s.start();
    feed.deliverUntil(end);
    await s.flushed();
    // Each step is announced once it is in the store, never before.
    expect(saved).toEqual((store.steps.get("paper-1") ?? []).map((step) => step.state.close));

    const backtest = runBacktest({
      feeds: [a, b].map((series) => ({
        series,
        strategy: ignoreSignalsBefore(strategy, start),
        size: { type: "percent-equity", value: 40 } as const,
      })),
      cash: 10_000,
      closeAtEnd: false,
      runId: "paper-1",
    });
    const trades = store.all("paper-1", "trades");
    expect(trades.length).toBeGreaterThan(10);
    expect(trades).toEqual(backtest.trades);
    expect(store.all("paper-1", "decisions")).toEqual(backtest.decisions.filter((d) => d.time >= start));
    const steps = store.steps.get("paper-1") ?? [];
    expect(steps.at(-1)?.equity.equity).toBe(backtest.equity.equity.at(-1));
    await s.stop();
  });

  it("continues after a crash at any step exactly as if it had never stopped, and never reuses an order id", async () => {
    const uninterrupted = new MemorySessionStore();
    {
      const clock = new ManualClock(start);
      const { s, feed } = session([a, b], uninterrupted, clock);
      await s.start();
      feed.deliverUntil(end);
      await s.flushed();
    }
    const crashed = new MemorySessionStore();
    let clock = new ManualClock(start);
    let run = session([a, b], crashed, clock);
    await run.s.start();
    for (const crashAt of [400, 777, 1200]) {
      run.feed.deliverUntil((a.time[crashAt] as number) + H);
      await run.s.flushed();
      // The process dies: nothing of it survives but the store. A new one starts on the same store.
      clock = new ManualClock(clock.now());
      run = session([a, b], crashed, clock);
      await run.s.start();
      expect(run.s.resumedFrom?.close).toBe((a.time[crashAt] as number) + H);
    }
    run.feed.deliverUntil(end);
    await run.s.flushed();
    expect(crashed.all("paper-1", "trades")).toEqual(uninterrupted.all("paper-1", "trades"));
    expect(crashed.all("paper-1", "decisions")).toEqual(uninterrupted.all("paper-1", "decisions"));
    const ids = crashed.all("paper-1", "intents").map((i) => i.order.clientOrderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(crashed.all("paper-1", "events").filter((e) => e.type === "SESSION_RESUMED")).toHaveLength(3);
  });

  it("carries out an operator's emergency stop: halts, closes every position, records it, and opens nothing after", async () => {
    const clock = new ManualClock(start);
    const store = new MemorySessionStore();
    let requested = false;
    const stopped: string[] = [];
    const { s, feed } = session([a, b], store, clock, {
      control: async () => {
        // The request arrives once a position is open.
        if (requested || s.portfolio.openPositionCount() === 0) return undefined;
        requested = true;
        return { by: "alice", reason: "exchange outage", flatten: true };
      },
      onEmergencyStop: (r) => stopped.push(r.by),
    });
    await s.start();
    // Bar by bar, as live: each step is committed (and the control asked) before the next bar.
    for (let i = 301; i < a.length; i++) {
      feed.deliverUntil((a.time[i] as number) + H);
      await s.flushed();
    }
    expect(stopped).toEqual(["alice"]);
    expect(s.engine.halted).toBe(true);
    expect(s.portfolio.openPositionCount()).toBe(0);
    const events = store.all("paper-1", "events");
    const stop = events.find((e) => e.type === "EMERGENCY_STOP");
    expect(stop?.payload).toEqual({ reason: "stopped by alice: exchange outage", flatten: true });
    const trades = store.all("paper-1", "trades");
    expect(trades.at(-1)?.exitReason).toBe("emergency stop: stopped by alice: exchange outage");
    // Nothing opened after the stop: every later entry was refused.
    const after = store.all("paper-1", "decisions").filter((d) => d.time >= (trades.at(-1)?.exitTime ?? 0));
    expect(after.every((d) => d.outcome !== "orders-sent" || d.orders.every((o) => o.reduceOnly))).toBe(true);
    expect(after.some((d) => d.outcome === "rejected")).toBe(true);
  });

  it("refuses a bar with a non-finite price, records why, and blocks new entries on that symbol", async () => {
    const clock = new ManualClock(start);
    const store = new MemorySessionStore();
    const broken = sliceSeries(a, 0, a.length);
    const close = broken.close as Float64Array;
    close[350] = Number.NaN;
    const { s, feed } = session([broken], store, clock);
    await s.start();
    feed.deliverUntil((a.time[352] as number) + H);
    await s.flushed();
    const events = store.all("paper-1", "events");
    expect(events.some((e) => e.type === "BAR_REFUSED")).toBe(true);
    expect(events.find((e) => e.type === "FEED_PROBLEM")?.payload).toMatchObject({ problem: "non-finite" });
  });
});
