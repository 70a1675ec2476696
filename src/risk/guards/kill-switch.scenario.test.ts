import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BacktestFeed, runBacktest } from "../../backtest/run-backtest.js";
import { type CandleSeries, seriesFromCandles } from "../../domain/candles.js";
import { type EngineEvents, EventBus } from "../../engine/events.js";
import { bars } from "../../execution/testing/bars.js";
import { SqliteStateStore } from "../../store/sqlite-state-store.js";
import { BUY, CLOSE, flat, scripted } from "../limits/testing/scripted.js";
import { RiskShield, sanityLayer } from "../shield.js";
import { MemoryStateStore, type RiskStateStore } from "../state-store.js";
import { KillSwitch, killSwitchSchema, resetKillSwitch } from "./kill-switch.js";

const START = Date.UTC(2024, 0, 1);
const M15 = 15 * 60_000;

/** A 15m series from closes; each bar opens at the previous close. */
function series15m(closes: readonly number[], symbol = "TEST/USDT"): CandleSeries {
  return seriesFromCandles(
    symbol,
    "15m",
    closes.map((close, i) => {
      const open = i === 0 ? close : (closes[i - 1] as number);
      return {
        time: START + i * M15,
        open,
        high: Math.max(open, close),
        low: Math.min(open, close),
        close,
        volume: 1000,
      };
    }),
  );
}

/** Runs the engine with a kill switch (default config unless given) on `store`, recording the engine's events. */
function run(
  feeds: BacktestFeed[],
  store: RiskStateStore = new MemoryStateStore(),
  config = killSwitchSchema.parse({}),
) {
  const bus = new EventBus();
  const events: { name: keyof EngineEvents; payload: unknown }[] = [];
  for (const name of ["KILL_SWITCH", "ALERT", "ORDER_CANCELLED", "ORDER_PLACED"] as const) {
    bus.on(name, (payload) => events.push({ name, payload }));
  }
  const result = runBacktest({
    feeds,
    cash: 10_000,
    fee: 0,
    bus,
    shield: new RiskShield([sanityLayer, new KillSwitch(store, config)]),
  });
  return { result, events, named: (name: keyof EngineEvents) => events.filter((e) => e.name === name) };
}

/** 100 for 4 bars, then falling by `drop` (a fraction) evenly over `bars` bars, then flat. */
function decline(drop: number, over: number, total = 24): number[] {
  return Array.from({ length: total }, (_, i) => (i < 4 ? 100 : 100 * (1 - (drop * Math.min(over, i - 3)) / over)));
}

describe("kill switch in the engine", () => {
  it("halts on a 3.5 % equity drop within 30 minutes: cancels open orders, alerts, opens nothing after", () => {
    // A is long 100 % from bar 1; its 3.5 % fall over two 15m bars ends at bar 5, the very bar B sends an order,
    // which the halt then cancels. B tries again at bar 10: denied.
    const a = series15m(decline(0.035, 2));
    const b = series15m(
      flat(24).map((r) => r[3]),
      "B/USDT",
    );
    const { result, named } = run([
      { series: a, strategy: scripted({ 0: BUY }), size: { type: "percent-equity", value: 100 } },
      { series: b, strategy: scripted({ 5: BUY, 10: BUY }), size: { type: "percent-equity", value: 1 } },
    ]);
    expect(result.halted).toBe(true);
    const haltTime = START + 5 * M15;
    expect(named("KILL_SWITCH")).toEqual([
      {
        name: "KILL_SWITCH",
        payload: {
          time: haltTime,
          reason: expect.stringContaining("equity down 3.50 % within 60 min (10000.00 → 9650.00), limit 3 %"),
        },
      },
    ]);
    expect(named("ALERT")[0]?.payload).toMatchObject({ level: "critical", time: haltTime });
    expect(named("ORDER_CANCELLED").map((e) => e.payload)).toEqual([
      expect.objectContaining({
        symbol: "B/USDT",
        time: haltTime,
        reason: expect.stringContaining("halted: kill-switch"),
      }),
    ]);
    const later = result.decisions.find((d) => d.symbol === "B/USDT" && d.time === START + 10 * M15);
    expect(later?.outcome).toBe("rejected");
    expect(later?.risk[0]?.verdicts.find((v) => v.layer === "kill-switch")?.verdict).toBe("halt");
    expect(result.trades.every((t) => t.entryTime <= haltTime)).toBe(true);
    expect(result.trades.some((t) => t.symbol === "B/USDT")).toBe(false);
  });

  it("halts when one 1h bar closes 3.5 % below the previous close", () => {
    const s = bars([...flat(3), [100, 100, 96.5, 96.5], ...flat(4, 96.5)]);
    const { result, named } = run([{ series: s, strategy: scripted({ 0: BUY, 5: CLOSE, 6: BUY }) }]);
    expect(result.halted).toBe(true);
    expect(named("KILL_SWITCH")).toHaveLength(1);
    // The reduce-only close still goes out; the new buy does not.
    const outcomes = result.decisions.map((d) => [d.action, d.outcome]);
    expect(outcomes).toEqual([
      ["buy", "orders-sent"],
      ["close", "orders-sent"],
      ["buy", "rejected"],
    ]);
  });

  it("does not halt on a 2.5 % drop within 30 minutes", () => {
    const { result, named } = run([
      { series: series15m(decline(0.025, 2)), strategy: scripted({ 0: BUY, 12: CLOSE, 14: BUY }) },
    ]);
    expect(result.halted).toBe(false);
    expect(named("KILL_SWITCH")).toHaveLength(0);
    expect(result.trades).toHaveLength(2);
  });

  it("does not halt on a 3.5 % drop spread over 3 hours", () => {
    const closes = decline(0.035, 12, 24);
    const { result } = run([{ series: series15m(closes), strategy: scripted({ 0: BUY, 18: CLOSE, 20: BUY }) }]);
    expect(result.halted).toBe(false);
    expect(result.trades).toHaveLength(2);
  });

  describe("max drawdown", () => {
    // Long from bar 1 at 100, then 1 % lower at every 1h close: never 3 % within an hour, but 25 % below the peak
    // after 29 bars.
    const falling = (n: number) => {
      const closes = Array.from({ length: n }, (_, i) => 100 * 0.99 ** Math.max(0, i - 1));
      return bars(
        closes.map((c, i) => {
          const open = i === 0 ? c : (closes[i - 1] as number);
          return [open, Math.max(open, c), Math.min(open, c), c] as const;
        }),
      );
    };

    it("halts 25 % below peak equity", () => {
      const { result, named } = run([{ series: falling(40), strategy: scripted({ 0: BUY }) }]);
      expect(result.halted).toBe(true);
      expect(named("KILL_SWITCH")[0]?.payload).toMatchObject({ reason: expect.stringContaining("drawdown 25.") });
    });

    it("does not halt at 18 % below peak", () => {
      const { result } = run([{ series: falling(22), strategy: scripted({ 0: BUY }) }]);
      expect(result.halted).toBe(false);
    });
  });
});

describe("kill switch latch across a restart (SQLite)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-kill-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a new engine halted until a person resets it", async () => {
    const path = join(dir, "risk.db");
    const crash = bars([...flat(3), [100, 100, 96, 96], ...flat(3, 96)]);
    const first = await SqliteStateStore.open(path);
    expect(run([{ series: crash, strategy: scripted({ 0: BUY }) }], first).result.halted).toBe(true);
    await first.close();

    // "Restart": a new store on the same file, a new kill switch, a new engine.
    const calm = () => [{ series: bars(flat(5)), strategy: scripted({ 1: BUY }) }];
    const second = await SqliteStateStore.open(path);
    const restarted = run(calm(), second);
    const verdict = restarted.result.decisions[0]?.risk[0]?.verdicts.find((v) => v.layer === "kill-switch");
    expect(verdict?.verdict).toBe("halt");
    expect(verdict?.reason).toContain("kill switch tripped since 2024-01-01T03:00:00.000Z");
    expect(restarted.result.decisions[0]?.outcome).toBe("rejected");
    expect(restarted.result.trades).toHaveLength(0);
    expect(restarted.result.halted).toBe(true);

    const resetAt = Date.UTC(2024, 0, 2, 14, 3);
    resetKillSwitch(second, "alice", resetAt);
    const resumed = run(calm(), second);
    expect(resumed.result.halted).toBe(false);
    expect(resumed.result.trades).toHaveLength(1);
    expect(second.events().map((e) => [e.kind, e.time])).toEqual([
      ["kill-switch.set", START + 3 * 3_600_000],
      ["kill-switch.reset", resetAt],
    ]);
    expect(second.events("kill-switch.reset")[0]?.detail).toMatchObject({ by: "alice" });
    await second.close();
  });
});
