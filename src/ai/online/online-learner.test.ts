import { describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { EventBus } from "../../engine/events.js";
import { bars } from "../../execution/testing/bars.js";
import type { Strategy } from "../../strategy/strategy.js";
import { OnlineLearner } from "./online-learner.js";

const HOUR = 3_600_000;
let nextId = 1;
function trade(source: string, netPnl: number, exitTime: number, returnPct = netPnl / 1000): ClosedTrade {
  return {
    id: nextId++,
    symbol: "X",
    side: "long",
    quantity: 1,
    entryTime: exitTime - HOUR,
    exitTime,
    entryPrice: 100,
    exitPrice: 100,
    fees: 0,
    funding: 0,
    netPnl,
    returnPct,
    exitReason: "test",
    barsHeld: 1,
    source,
  };
}

const voteAt = (learner: OnlineLearner, strategy: string, time: number) =>
  learner.advisor(strategy).init({} as never)({
    index: 0,
    time,
    position: { quantity: 0, entryPrice: 0, barsHeld: -1 },
  });

describe("OnlineLearner", () => {
  it("keeps rolling win rate, average P&L and consecutive losses per strategy", () => {
    const learner = new OnlineLearner({ window: 4, minTrades: 2 });
    for (const [i, pnl] of [10, -5, 20, -5, -5].entries()) learner.onTradeClosed(trade("a", pnl, i * HOUR));
    const s = learner.status("a");
    expect(s.trades).toBe(4);
    expect(s.winRate).toBe(0.25);
    expect(s.averagePnl).toBeCloseTo((-5 + 20 - 5 - 5) / 4, 12);
    expect(s.consecutiveLosses).toBe(2);
    expect(learner.status("b").trades).toBe(0);
  });

  it("judges the strategy a slot runs at each vote when given a function (a lifecycle swap changes it)", () => {
    const learner = new OnlineLearner({});
    for (let i = 0; i < 5; i++) learner.onTradeClosed(trade("v2", -1, i * HOUR));
    let running = "v2";
    const vote = learner.advisor(() => running).init({} as never);
    const at = (time: number) => vote({ index: 0, time, position: { quantity: 0, entryPrice: 0, barsHeld: -1 } });
    expect(at(6 * HOUR)).toMatchObject({ action: "hold", veto: true });
    running = "v1";
    expect(at(7 * HOUR)).not.toMatchObject({ veto: true });
  });

  it("blocks after 5 consecutive losses, alerts with the reason, vetoes, and is unblocked by a person", () => {
    const alerts: string[] = [];
    const learner = new OnlineLearner({ alert: (a) => alerts.push(`${a.level}: ${a.message}`) });
    for (let i = 0; i < 5; i++) learner.onTradeClosed(trade("rules", -1, i * HOUR));
    expect(learner.status("rules")).toMatchObject({ blocked: true, reason: "5 consecutive losses", scale: 0 });
    expect(alerts).toEqual(["warning: online learner: rules blocked: 5 consecutive losses"]);
    expect(voteAt(learner, "rules", 6 * HOUR)).toEqual({
      action: "hold",
      veto: true,
      reason: "Blocked strategy: 5 consecutive losses",
    });
    learner.unblock("rules", "alice", 7 * HOUR);
    expect(voteAt(learner, "rules", 8 * HOUR)).toEqual({
      action: "hold",
      scale: 1,
      reason: "Healthy strategy (no trades yet)",
    });
    expect(learner.events.map((e) => `${e.kind}: ${e.reason}`)).toEqual([
      "blocked: 5 consecutive losses",
      "unblocked: unblocked by alice",
    ]);
  });

  it("blocks a win rate under 30 % over 10+ trades, and scales a weak one between half and full size", () => {
    const learner = new OnlineLearner({ maxConsecutiveLosses: 100 });
    // 4 wins in 10: 0.4 < target 0.5 → scale 0.5 + 0.5 × 0.4/0.5 = 0.9.
    for (const [i, pnl] of [1, -1, -1, 1, -1, -1, 1, -1, 1, -1].entries())
      learner.onTradeClosed(trade("a", pnl, i * HOUR));
    expect(learner.status("a").scale).toBeCloseTo(0.9, 12);
    expect(voteAt(learner, "a", 11 * HOUR)?.reason).toBe("Weak strategy (win rate 0.40 over 10, 1 losses in a row)");
    for (let i = 10; i < 14; i++) learner.onTradeClosed(trade("a", -1, i * HOUR));
    expect(learner.status("a").reason).toBe("win rate 0.29 over 14 trades below 0.3");
  });

  it("comes back on probation at half size after the recovery time and leaves it after a healthy window", () => {
    const learner = new OnlineLearner({ recoveryMs: 24 * HOUR, minTrades: 3 });
    for (let i = 0; i < 5; i++) learner.onTradeClosed(trade("a", -1, i * HOUR));
    expect(voteAt(learner, "a", 20 * HOUR)?.veto).toBe(true);
    const back = voteAt(learner, "a", 28 * HOUR);
    expect(back).toMatchObject({ scale: 0.5, reason: "Probation strategy (no trades yet)" });
    for (let i = 0; i < 3; i++) learner.onTradeClosed(trade("a", 2, (30 + i) * HOUR));
    expect(learner.status("a")).toMatchObject({ blocked: false, probation: false, scale: 1 });
    expect(learner.events.map((e) => e.kind)).toEqual(["blocked", "probation", "unblocked"]);
  });

  it("blocks on concept drift when returns drop while win rate and loss runs stay acceptable", () => {
    const learner = new OnlineLearner();
    // Alternating win/loss throughout (win rate 0.5, never 2 losses in a row); the mean return drops at trade 100.
    for (let i = 0; i < 300 && !learner.status("a").blocked; i++) {
      const r = i < 100 ? (i % 2 === 0 ? 0.03 : -0.01) : i % 2 === 0 ? 0.01 : -0.03;
      learner.onTradeClosed(trade("a", r * 1000, i * HOUR, r));
    }
    const blocked = learner.events[0];
    expect(blocked?.reason).toMatch(/^concept drift: Page-Hinkley found a drop in trade returns/);
    expect(blocked?.time).toBeGreaterThanOrEqual(100 * HOUR);
    expect(blocked?.time).toBeLessThan(200 * HOUR);
  });

  it("counts an ensemble trade for each source in it", () => {
    const learner = new OnlineLearner();
    learner.onTradeClosed(trade("atl-technical+rl", 5, 0));
    expect([learner.status("atl-technical").trades, learner.status("rl").trades]).toEqual([1, 1]);
  });

  it("is fed by every closed trade of a backtest and blocks the strategy there, with an ALERT on the bus", () => {
    // Prices fall 1 a bar; the strategy buys on even bars and closes on odd ones, so every trade loses.
    const n = 40;
    const series = bars(Array.from({ length: n }, (_, i) => [200 - i, 200.5 - i, 198.5 - i, 199 - i] as const));
    const strategy: Strategy = {
      name: "dip-buyer",
      parameters: {},
      init: () => (ctx) =>
        ctx.index % 2 === 0 ? { action: "buy", reason: "buy the dip" } : { action: "close", reason: "out" },
    };
    const bus = new EventBus();
    const alerts: string[] = [];
    bus.on("ALERT", (a) => alerts.push(a.message));
    const learner = new OnlineLearner({ alert: (a) => bus.publish("ALERT", a) });
    const r = runBacktest({
      feeds: [{ series, strategy, sources: [learner.advisor("dip-buyer")] }],
      cash: 10_000,
      learners: [learner],
      bus,
    });
    expect(r.trades).toHaveLength(5);
    expect(alerts).toEqual(["online learner: dip-buyer blocked: 5 consecutive losses"]);
    const vetoed = r.decisions.filter((d) => d.outcome === "vetoed");
    expect(vetoed.length).toBeGreaterThan(10);
    expect(vetoed[0]?.reason).toContain("vetoed by online-learner: Blocked strategy: 5 consecutive losses");
  });
});

describe("OnlineLearner state", () => {
  it("continues from its saved state (JSON) exactly as the learner that never stopped", () => {
    const seeded = (k: number) => ((k * 7919) % 13) - 6;
    const through = new OnlineLearner({ minTrades: 4, window: 8 });
    const first = new OnlineLearner({ minTrades: 4, window: 8 });
    for (let k = 0; k < 30; k++) for (const l of [through, first]) l.onTradeClosed(trade("s", seeded(k), k * HOUR));
    const restarted = new OnlineLearner({ minTrades: 4, window: 8 });
    restarted.restore(JSON.parse(JSON.stringify(first.save())));
    expect(restarted.status("s")).toEqual(through.status("s"));
    for (let k = 30; k < 60; k++)
      for (const l of [through, restarted]) l.onTradeClosed(trade("s", seeded(k) - 2, k * HOUR));
    expect(restarted.save()).toEqual(through.save());
    expect(restarted.status("s").blocked).toBe(true);
    // A learner started from scratch at the same point judges differently.
    const scratch = new OnlineLearner({ minTrades: 4, window: 8 });
    for (let k = 30; k < 35; k++) scratch.onTradeClosed(trade("s", seeded(k) - 2, k * HOUR));
    expect(scratch.save()).not.toEqual(through.save());
  });
});
