import { describe, expect, it } from "vitest";
import { NYSE } from "../../data/calendar/exchange-calendar.js";
import { barCloseTime } from "../../data/calendar/market-hours.js";
import { ManualClock } from "../../domain/clock.js";
import type { alpacaSimClient } from "../../execution/alpaca-sim/alpaca-client.js";
import { alpacaSimPerTest, hourlyPolledFeed } from "../../execution/alpaca-sim/testing/hourly-polled-feed.js";
import { equityInstrument } from "../../execution/equity-instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { Strategy } from "../../strategy/strategy.js";
import { MemorySessionStore } from "./session-store.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;
const DAY = 24 * H;
const startSim = alpacaSimPerTest();

describe("daily stock bars in a trading session (the feed and step-close path of aegis trade)", () => {
  it("steps each daily bar at 16:00 New York, before and after the switch to summer time, and records that close", async () => {
    // Wednesday 6 March 2024, 10:00 New York (EST); clocks go forward on Sunday 10 March.
    const clock = new ManualClock(Date.parse("2024-03-06T15:00:00Z"));
    const { client } = await startSim({
      now: () => clock.now(),
      startTime: Date.parse("2024-01-02T00:00:00Z"),
      days: 80,
    });
    const store = new MemorySessionStore();
    const daily = dailySession(client, clock, store, loadStrategy("sma-cross", { fast: 2, slow: 5 }));
    const { session } = daily;
    await daily.start();
    // A week, hour by hour: the feed polls once an hour.
    await daily.run(7 * 24);
    const closes = (store.steps.get("daily") ?? []).map((s) => new Date(s.state.close).toISOString());
    expect(closes).toEqual([
      "2024-03-06T21:00:00.000Z",
      "2024-03-07T21:00:00.000Z",
      "2024-03-08T21:00:00.000Z",
      "2024-03-11T20:00:00.000Z",
      "2024-03-12T20:00:00.000Z",
    ]);
    // The equity of each step is stamped with the session's close, never a midnight still to come.
    for (const step of store.steps.get("daily") ?? []) expect(step.equity.time).toBe(step.state.close);
    expect(session.steps).toBe(5);
    await session.stop();
  }, 120_000);

  it("a restart after the close: the bar that closed earlier that day is warm-up, not traded; the next day's bar is", async () => {
    // Tuesday 5 March 2024, 10:00 New York: the first session steps Tuesday's close, then stops on Wednesday morning.
    const clock = new ManualClock(Date.parse("2024-03-05T15:00:00Z"));
    const { client } = await startSim({
      now: () => clock.now(),
      startTime: Date.parse("2024-01-02T00:00:00Z"),
      days: 80,
    });
    const store = new MemorySessionStore();
    const first = dailySession(client, clock, store, everyBar);
    await first.start();
    await first.run(24);
    await first.session.stop();
    expect(closesOf(store)).toEqual(["2024-03-05T21:00:00.000Z"]);
    // Down through Wednesday's close (21:00 UTC); back at 22:00 UTC the same day.
    clock.set(Date.parse("2024-03-06T22:00:00Z"));
    const second = dailySession(client, clock, store, everyBar);
    await second.start();
    await second.run(24);
    await second.session.stop();
    // Wednesday's bar closed while the bot was down: warmed on, no step, no decision. Thursday's is traded.
    expect(closesOf(store)).toEqual(["2024-03-05T21:00:00.000Z", "2024-03-07T21:00:00.000Z"]);
    // Decisions and order intents are stamped with their bar's open (New York midnight): Tuesday's, then Thursday's.
    const bars = ["2024-03-05T05:00:00.000Z", "2024-03-07T05:00:00.000Z"];
    expect(store.all("daily", "decisions").map((d) => new Date(d.time).toISOString())).toEqual(bars);
    expect(store.all("daily", "intents").map((i) => new Date(i.time).toISOString())).toEqual(bars);
  }, 120_000);
});

/** Acts on every bar it is asked about (buys when flat, closes when long): each traded bar leaves a decision. */
const everyBar: Strategy = {
  name: "every-bar",
  parameters: {},
  init: () => (bar) =>
    bar.position.quantity > 0 ? { action: "close", reason: "every bar" } : { action: "buy", reason: "every bar" },
};

const closesOf = (store: MemorySessionStore) =>
  (store.steps.get("daily") ?? []).map((s) => new Date(s.state.close).toISOString());

/** A daily AAPL session on the local Alpaca with a feed polling hourly on the manual clock. */
function dailySession(
  client: Awaited<ReturnType<typeof alpacaSimClient>>,
  clock: ManualClock,
  store: MemorySessionStore,
  strategy: Strategy,
) {
  const polled = hourlyPolledFeed(client, clock, {
    timeframe: "1d",
    symbols: 1,
    barClose: (time) => barCloseTime(NYSE, time, DAY),
  });
  const feed = polled.feed;
  const session = new TradingSession({
    session: "daily",
    slots: [
      {
        symbol: "AAPL",
        strategy,
        instrument: equityInstrument("AAPL", client.markets?.["AAPL/USD"]),
      },
    ],
    timeframe: "1d",
    cash: 100_000,
    feed,
    store,
    clock,
    warmupBars: 20,
  });
  return {
    session,
    async start() {
      await session.start();
      await polled.waitForPolls("the first poll");
    },
    /** Advances the clock hour by hour, letting each poll and step finish. */
    run: (hours: number) => polled.runHours(session, hours),
  };
}
