import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/sim-market.js";
import { ManualClock } from "../domain/clock.js";
import { defaultInstrument } from "../domain/instrument.js";
import { MemorySessionStore, type SessionStore } from "../engine/trading/session-store.js";
import { ReplayFeed } from "../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../engine/trading/trading-session.js";
import { loadStrategy } from "../strategy/registry.js";
import { openStore } from "./open-store.js";
import { storeBackends } from "./testing/store-backends.js";
import { StoreSessionStore } from "./trading-session-store.js";

const H = 3_600_000;
const series = [1, 2].map((k) => simulateMarket({ seed: 60 + k, bars: 900, symbol: `S${k}/USDT` }).series);
const strategy = loadStrategy("sma-cross", { fast: 4, slow: 12, stopLoss: 2 });
const start = (series[0]?.time[200] as number) + H;
const end = (series[0]?.time[899] as number) + H;
const errors: unknown[] = [];

function paper(store: SessionStore, clock: ManualClock) {
  const feed = new ReplayFeed(series, H, clock);
  const session = new TradingSession({
    session: "paper",
    slots: series.map((s) => ({ symbol: s.symbol, strategy, instrument: defaultInstrument(s.symbol) })),
    timeframe: "1h",
    cash: 10_000,
    feed,
    store,
    clock,
    warmupBars: 2000,
    onStoreError: (error) => errors.push(error),
  });
  return { session, feed };
}

describe.each(storeBackends())("trading session on the $name store", (backend) => {
  const suite = backend.skipReason ? describe.skip : describe;
  if (backend.skipReason) console.warn(`trading session store on ${backend.name} skipped: ${backend.skipReason}`);

  suite(backend.skipReason ? `skipped: ${backend.skipReason}` : "crash and resume", () => {
    beforeAll(() => backend.setup(), 60_000);
    afterAll(() => backend.teardown(), 60_000);

    it("persists every step, resumes after kills from the last committed step, and ends where an uninterrupted run ends", async () => {
      const memory = new MemorySessionStore();
      {
        const clock = new ManualClock(start);
        const { session, feed } = paper(memory, clock);
        await session.start();
        feed.deliverUntil(end);
        await session.flushed();
      }
      const location = await backend.freshLocation();
      let clock = new ManualClock(start);
      let run = paper(new StoreSessionStore(await openStore(location), "sim"), clock);
      await run.session.start();
      for (const killAt of [333, 580]) {
        run.feed.deliverUntil((series[0]?.time[killAt] as number) + H);
        await run.session.flushed();
        // A kill: the old process's objects are dropped, the store is reopened from its location.
        await run.session.options.store.close();
        clock = new ManualClock(clock.now());
        run = paper(new StoreSessionStore(await openStore(location), "sim"), clock);
        await run.session.start();
      }
      run.feed.deliverUntil(end);
      await run.session.stop();

      expect(errors.slice(0, 1).map(String)).toEqual([]);
      const store = await openStore(location);
      try {
        const trades = await store.trades.range();
        const expected = memory.all("paper", "trades");
        expect(expected.length).toBeGreaterThan(5);
        expect(trades.map((t) => [t.symbol, t.entryTime, t.exitTime, t.pnl])).toEqual(
          expected.map((t) => [t.symbol, t.entryTime, t.exitTime, t.netPnl]),
        );
        expect(await store.decisions.range()).toHaveLength(memory.all("paper", "decisions").length);
        const orders = await store.orders.range();
        const intents = memory.all("paper", "intents");
        expect(orders.filter((o) => !o.clientOrderId.includes("-x-"))).toHaveLength(intents.length);
        const fills = await store.fills.range();
        expect(fills.length).toBe(memory.all("paper", "reports").filter((r) => r.report.type === "filled").length);
        const resumed = await store.events.list({ kind: "SESSION_RESUMED" });
        expect(resumed).toHaveLength(2);
        expect((await store.equity.latest())?.equity).toBe((memory.steps.get("paper") ?? []).at(-1)?.equity.equity);
      } finally {
        await store.close();
      }
    }, 120_000);

    it("refuses a corrupt saved state with a message that says what to do", async () => {
      const location = await backend.freshLocation();
      const store = await openStore(location);
      await store.db
        .insertInto("tradingSessions")
        .values({ session: "broken", state: "{not json", stepClose: 0, updatedAt: 0 })
        .execute();
      const sessions = new StoreSessionStore(store, "sim");
      await expect(sessions.load("broken")).rejects.toThrowError(
        /state of session broken .* is corrupt .*--session NAME/,
      );
      await sessions.close();
    });
  });
});
