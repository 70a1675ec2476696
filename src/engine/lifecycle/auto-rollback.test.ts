import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OnlineLearner } from "../../ai/online/online-learner.js";
import type { CandleSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { KillSwitch, killSwitchSchema, readKillSwitchLatch } from "../../risk/guards/kill-switch.js";
import { StabilityLock } from "../../risk/guards/stability-lock.js";
import { RiskShield } from "../../risk/shield.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import { MemorySessionStore } from "../trading/session-store.js";
import { ReplayFeed } from "../trading/testing/replay-feed.js";
import { TradingSession } from "../trading/trading-session.js";
import { AutoRollback, attachAutoRollback, type RollbackOutcome } from "./auto-rollback.js";
import { StrategyLifecycle } from "./strategy-lifecycle.js";

const H = 3_600_000;

describe("automatic rollback (SQLite store)", () => {
  let dir: string;
  let store: Store;
  let now: number;
  let lifecycle: StrategyLifecycle;
  let alerts: { message: string; kind: string }[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-auto-rollback-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    now = Date.UTC(2026, 0, 1);
    lifecycle = new StrategyLifecycle(
      store.strategies,
      new StabilityLock(new MemoryStateStore(), { minHours: 12 }),
      () => now,
    );
    alerts = [];
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rollback = () =>
    new AutoRollback({
      lifecycle,
      latches: store.latches,
      now: () => now,
      alert: (a) => alerts.push({ message: a.message, kind: a.kind }),
    });

  /** A strategy taken through the gates and approved by a person to live (13 h apart: the stability lock). */
  async function approveToLive(id: string): Promise<void> {
    await store.strategies.upsert({ id, name: `${id}-name`, source: "evolver", spec: { name: id } }, "evolver", now);
    for (const to of ["backtested", "validated", "shadow", "awaiting-approval"] as const)
      await lifecycle.move(id, to, { by: "evolver", reason: `gate for ${to} passed` });
    for (let i = 0; i < 2; i++) {
      now += 13 * H;
      await lifecycle.approve(id, { by: "alice", reason: "shadow period convincing" });
    }
  }

  const last = async (id: string) => (await store.strategies.transitions(id)).at(-1);

  it("rolls back to the previous approved version when the kill switch trips in a trading session, once across restarts", async () => {
    await approveToLive("v1");
    await approveToLive("v2");
    // A session whose kill switch (5 % drawdown) trips when the market it is long in crashes 30 %.
    const n = 200;
    const close = Float64Array.from({ length: n }, (_, i) => (i < 150 ? 100 + (i % 2) * 0.1 : 70));
    const series = {
      symbol: "AAA/USDT",
      timeframe: "1h",
      length: n,
      time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + i * H),
      open: close,
      high: close.map((c) => c * 1.001),
      low: close.map((c) => c * 0.999),
      close,
      volume: new Float64Array(n).fill(1e6),
    } as CandleSeries;
    const clock = new ManualClock((series.time[100] as number) + H);
    const feed = new ReplayFeed([series], H, clock);
    const latches = new MemoryStateStore();
    const killSwitch = new KillSwitch(
      latches,
      killSwitchSchema.parse({ rollingDrop: { enabled: false }, maxDrawdown: { pct: 5 } }),
    );
    const session = new TradingSession({
      session: "paper",
      slots: [
        {
          symbol: series.symbol,
          strategy: compileSpec(validateSpec({ name: "hold", entry: { long: { gt: ["close", 0] } } })),
          instrument: defaultInstrument(series.symbol),
        },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store: new MemorySessionStore(),
      clock,
      warmupBars: 100,
      buildShield: () => new RiskShield([killSwitch]),
    });
    const outcomes: RollbackOutcome[] = [];
    const wired = attachAutoRollback(
      session.bus,
      rollback(),
      () => readKillSwitchLatch(latches),
      (o) => outcomes.push(o),
      (e) => {
        throw e;
      },
    );
    await session.start();
    feed.deliverUntil((series.time[n - 1] as number) + H);
    await session.flushed();
    await wired.idle();
    await session.stop();

    const trip = readKillSwitchLatch(latches);
    expect(trip?.rule).toBe("max-drawdown");
    expect(outcomes).toEqual([
      { trigger: "kill-switch", retired: "v2", restored: "v1", reason: `kill switch: ${trip?.reason}` },
    ]);
    expect((await store.strategies.get("v1"))?.status).toBe("live");
    expect((await store.strategies.get("v2"))?.status).toBe("retired");
    expect(await last("v2")).toMatchObject({
      by: "auto-rollback",
      reason: `rolled back: kill switch: ${trip?.reason}`,
    });
    expect(await last("v1")).toMatchObject({
      toStatus: "live",
      reason: expect.stringMatching(/^rollback from v2: kill switch: drawdown 30\.\d+ % from peak equity/),
    });
    expect(alerts).toEqual([
      {
        kind: "strategy-rollback",
        message: expect.stringMatching(/^automatic rollback: v2 retired, v1 live again \(kill switch: /),
      },
    ]);

    // A restart replays the latched trip: it is the same trip, so v1 stays live.
    const again = await rollback().onKillSwitch({ time: trip?.time as number, reason: trip?.reason as string });
    expect(again).toBeUndefined();
    expect((await store.strategies.get("v1"))?.status).toBe("live");
  });

  it("goes flat when the online learner blocks the live strategy after losses and there is no previous version", async () => {
    await approveToLive("v1");
    const learner = new OnlineLearner({ maxConsecutiveLosses: 5 });
    const poll = rollback().follow(learner);
    // Trades are attributed by source: the live strategy's name.
    for (let i = 0; i < 5; i++) learner.onTradeClosed(trade("v1-name", -10, -0.01, now + i * H));
    const outcomes = await poll();
    expect(outcomes).toEqual([
      {
        trigger: "online-learner",
        retired: "v1",
        restored: null,
        reason: "online learner blocked v1-name: 5 consecutive losses",
      },
    ]);
    expect((await store.strategies.get("v1"))?.status).toBe("retired");
    expect(await last("v1")).toMatchObject({
      by: "auto-rollback",
      reason: "rolled back to flat (no previous version): online learner blocked v1-name: 5 consecutive losses",
    });
    expect(alerts.map((a) => a.message)).toEqual([
      "automatic rollback: v1 retired, no previous version: flat (online learner blocked v1-name: 5 consecutive losses)",
    ]);
    expect(await poll()).toEqual([]);
  });

  it("rolls back when Page-Hinkley finds drift in the live strategy's returns, and ignores blocks of other strategies", async () => {
    await approveToLive("v1");
    await approveToLive("v2");
    // Only drift can block here: no loss streak, no win-rate floor.
    const learner = new OnlineLearner({ maxConsecutiveLosses: 1_000, minWinRate: 0, window: 50 });
    const poll = rollback().follow(learner);
    const otherBlock = { time: now, strategy: "other", kind: "blocked", reason: "5 consecutive losses" };
    expect(await rollback().onLearnerEvent(otherBlock)).toBeUndefined();
    let t = now + H;
    for (let i = 0; i < 30; i++) learner.onTradeClosed(trade("v2", 10, 0.02, (t += H)));
    for (let i = 0; i < 30 && !learner.status("v2").blocked; i++)
      learner.onTradeClosed(trade("v2", i % 2 ? 1 : -30, i % 2 ? 0.001 : -0.06, (t += H)));
    expect(learner.status("v2").reason).toMatch(/concept drift: Page-Hinkley/);
    const outcomes = await poll();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ trigger: "online-learner", retired: "v2", restored: "v1" });
    expect(outcomes[0]?.reason).toMatch(/^online learner blocked v2: concept drift/);
    expect((await store.strategies.get("v1"))?.status).toBe("live");
  });
});

function trade(source: string, netPnl: number, returnPct: number, exitTime: number): ClosedTrade {
  return {
    id: exitTime,
    symbol: "AAA/USDT",
    side: "long",
    quantity: 1,
    entryTime: exitTime - H,
    exitTime,
    entryPrice: 100,
    exitPrice: 100 + netPnl,
    fees: 0,
    funding: 0,
    netPnl,
    returnPct,
    exitReason: "signal",
    barsHeld: 1,
    source,
  };
}
