import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import { MemorySessionStore, type SessionState, type SessionStore, type StepRecord } from "./session-store.js";
import { StepSpool } from "./step-spool.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "aegis-spool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store that can be switched off, as PostgreSQL going away would. */
class SwitchableStore implements SessionStore {
  down = false;
  constructor(readonly inner: MemorySessionStore) {}
  load(session: string): Promise<SessionState | undefined> {
    return this.inner.load(session);
  }
  async commit(session: string, step: StepRecord): Promise<void> {
    if (this.down) throw new Error("connection refused");
    await this.inner.commit(session, step);
  }
  async close(): Promise<void> {}
}

const series = simulateMarket({ seed: 77, bars: 700, symbol: "SIM/USDT" }).series;
const strategy = loadStrategy("sma-cross", { fast: 3, slow: 8 });

function session(store: SessionStore, clock: ManualClock, spoolPath: string) {
  const feed = new ReplayFeed([series], H, clock);
  const s = new TradingSession({
    session: "s",
    slots: [{ symbol: "SIM/USDT", strategy, instrument: defaultInstrument("SIM/USDT") }],
    timeframe: "1h",
    cash: 10_000,
    feed,
    store,
    clock,
    warmupBars: 1000,
    spoolPath,
    onStoreError: () => {},
  });
  return { s, feed };
}

describe("trading through a store outage", () => {
  it("opens nothing while steps cannot be written, spools them, and loses none across a crash during the outage", async () => {
    const spoolPath = join(dir, "steps.spool");
    const memory = new MemorySessionStore();
    const store = new SwitchableStore(memory);
    let clock = new ManualClock((series.time[100] as number) + H);
    let run = session(store, clock, spoolPath);
    await run.s.start();
    const deliver = async (until: number) => {
      for (let i = 101; i <= until; i++) {
        if ((series.time[i] as number) + H <= clock.now()) continue;
        run.feed.deliverUntil((series.time[i] as number) + H);
        await run.s.flushed();
      }
    };
    await deliver(300);
    store.down = true;
    await deliver(400);
    expect(run.s.storeHealthy).toBe(false);
    expect(new StepSpool(spoolPath).read()).toHaveLength(100);
    // The first failing step was decided before its commit failed; every later one knew the store was away.
    const during = (new StepSpool(spoolPath).read() as StepRecord[]).slice(1).flatMap((r) => r.decisions);
    const entries = during.filter(
      (d) => d.orders.some((o) => !o.reduceOnly) || d.risk.some((r) => r.verdicts.some((v) => v.layer === "store")),
    );
    expect(entries.length).toBeGreaterThan(0);
    for (const d of entries) {
      expect(d.outcome).toBe("rejected");
      expect(d.risk[0]?.verdicts[0]?.reason).toMatch(/the store cannot be written \(connection refused\)/);
    }
    // The process dies during the outage; the store comes back; a new process starts.
    store.down = false;
    clock = new ManualClock(clock.now());
    run = session(store, clock, spoolPath);
    await run.s.start();
    expect(run.s.resumedFrom?.close).toBe((series.time[400] as number) + H);
    await deliver(699);
    expect(run.s.storeHealthy).toBe(true);
    expect(new StepSpool(spoolPath).read()).toEqual([]);
    const steps = memory.steps.get("s") ?? [];
    expect(steps.map((r) => r.equity.time)).toEqual(
      Array.from({ length: 599 }, (_, k) => (series.time[101 + k] as number) + H),
    );
    expect(memory.all("s", "events").some((e) => e.type === "STORE_RECOVERED")).toBe(true);
  });

  it("logs STORE_RECOVERED only after the store failed, not when steps merely queue behind a slow commit", async () => {
    const memory = new MemorySessionStore();
    /** Holds every commit until released: steps queue up, none fails. */
    class SlowStore extends SwitchableStore {
      held: (() => void)[] = [];
      override async commit(session: string, step: StepRecord): Promise<void> {
        await new Promise<void>((release) => this.held.push(release));
        await super.commit(session, step);
      }
    }
    const store = new SlowStore(memory);
    const clock = new ManualClock((series.time[100] as number) + H);
    const run = session(store, clock, join(dir, "slow.spool"));
    await run.s.start();
    const stored = () => (memory.steps.get("s") ?? []).length;
    /** Delivers up to bar `i` and lets the held commits through until `until()` holds. */
    const step = async (i: number, until: () => boolean) => {
      run.feed.deliverUntil((series.time[i] as number) + H);
      while (!until()) {
        await new Promise((resolve) => setImmediate(resolve));
        for (const release of store.held.splice(0)) release();
      }
      await run.s.flushed();
    };
    // Ten steps at once wait behind the first commit; then one more step, which carries any event they raised.
    await step(110, () => stored() >= 10);
    await step(111, () => stored() >= 11);
    expect(memory.all("s", "events").map((e) => e.type)).not.toContain("STORE_RECOVERED");
    // The store goes away for one step and comes back: that is a recovery, logged once (with the step after).
    store.down = true;
    await step(112, () => !run.s.storeHealthy);
    store.down = false;
    await step(113, () => stored() >= 13);
    await step(114, () => stored() >= 14);
    expect(memory.all("s", "events").filter((e) => e.type === "STORE_RECOVERED")).toHaveLength(1);
  });

  it("ignores a torn last line and names a corrupt one in the middle", () => {
    const path = join(dir, "torn.spool");
    const record = { state: { close: 1 } };
    writeFileSync(path, `${JSON.stringify(record)}\n{"state":`);
    expect(new StepSpool(path).read()).toHaveLength(1);
    writeFileSync(path, `{"state":\n${JSON.stringify(record)}\n`);
    expect(() => new StepSpool(path).read()).toThrowError(/line 1 is corrupt/);
  });
});
