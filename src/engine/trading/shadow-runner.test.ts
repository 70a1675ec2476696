import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shadowSignificance } from "../../backtest/gates/shadow-significance.js";
import type { CandleSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { StabilityLock } from "../../risk/guards/stability-lock.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { compileSpec } from "../../strategy/spec/compile.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import { StrategyLifecycle } from "../lifecycle/strategy-lifecycle.js";
import { closingAfter, ShadowRunner } from "./shadow-runner.js";
import { ReplayFeed } from "./testing/replay-feed.js";
import { TradingSession } from "./trading-session.js";

const H = 3_600_000;
const SYMBOL = "AAA/USDT";

/** A market that rises 0.1 % a bar with small wiggles and a dip every 40 bars, so trades open and close. */
function risingSeries(n: number): CandleSeries {
  const close = Float64Array.from(
    { length: n },
    (_, i) => 100 * 1.001 ** i * (1 + (i % 2 ? 0.0005 : -0.0005)) * (i % 40 >= 35 ? 0.99 : 1),
  );
  return {
    symbol: SYMBOL,
    timeframe: "1h",
    length: n,
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2025, 0, 1) + i * H),
    open: close.map((c, i) => (i > 0 ? (close[i - 1] as number) : c)),
    high: close.map((c) => c * 1.001),
    low: close.map((c) => c * 0.997),
    close,
    volume: new Float64Array(n).fill(1e6),
  } as CandleSeries;
}

/** Long while above its 5-bar average: trades in and out on the dips. */
const TREND_SPEC = {
  name: "trend",
  indicators: { avg: { type: "sma", period: 5 } },
  entry: { long: { gt: ["close", "avg"] } },
  exit: { long: { lt: ["close", "avg"] } },
};
/** Never enters: the live account stays flat, so any steady shadow beats it. */
const IDLE_SPEC = { name: "idle", entry: { long: { lt: ["close", 0] } } };

describe("ShadowRunner (aegis trade's shadow engine, SQLite store)", () => {
  let dir: string;
  let url: string;
  const series = risingSeries(400);
  const warmup = 100;
  const start = (series.time[warmup] as number) + H;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-shadow-runner-"));
    url = `sqlite:${join(dir, "aegis.sqlite")}`;
    const store = await openStore(url);
    await store.strategies.upsert(
      { id: "cand-trend", name: "trend", source: "evolver", spec: TREND_SPEC },
      "evolver",
      0,
    );
    for (const to of ["backtested", "validated", "shadow"] as const)
      await store.strategies.transition("cand-trend", to, "evolver", `gate for ${to} passed`, 0);
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One process's life: opens the store, starts the session and its shadows, trades until `until`, stops. */
  async function run(
    clockStart: number,
    until: number,
    rule: { minIterations: number; minSharpe: number },
  ): Promise<{ runner: ShadowRunner; marked: string[]; errors: unknown[] }> {
    const store: Store = await openStore(url);
    const clock = new ManualClock(clockStart);
    const feed = new ReplayFeed([series], H, clock);
    const lifecycle = new StrategyLifecycle(
      store.strategies,
      new StabilityLock(new MemoryStateStore(), { minHours: 12 }),
      () => clock.now(),
    );
    const marked: string[] = [];
    const errors: unknown[] = [];
    let runner: ShadowRunner | undefined;
    const session = new TradingSession({
      session: "paper-shadow",
      slots: [
        { symbol: SYMBOL, strategy: compileSpec(validateSpec(IDLE_SPEC)), instrument: defaultInstrument(SYMBOL) },
      ],
      timeframe: "1h",
      cash: 10_000,
      feed,
      store: closingAfter(new StoreSessionStore(store, "sim"), async () => runner?.stop()),
      clock,
      warmupBars: warmup,
    });
    runner = new ShadowRunner({
      session,
      strategies: store.strategies,
      lifecycle,
      store: store.shadow,
      significance: shadowSignificance,
      evaluateEverySteps: 5,
      rule,
      onError: (_error, what) => errors.push(what),
      onMarked: (id) => marked.push(id),
    });
    await session.start();
    await runner.start();
    feed.deliverUntil(until);
    await session.flushed();
    await runner.idle();
    await session.stop();
    return { runner, marked, errors };
  }

  async function stored() {
    const store = await openStore(url);
    try {
      return {
        run: (await store.shadow.runs({ session: "paper-shadow" }))[0],
        trades: await store.shadow.trades("cand-trend"),
        equity: await store.shadow.equity("cand-trend"),
        status: (await store.strategies.get("cand-trend"))?.status,
        transitions: await store.strategies.transitions("cand-trend"),
      };
    } finally {
      await store.close();
    }
  }

  it("trades a shadow strategy on the session's bars, stores its equity and trades, and marks it for approval, never further", async () => {
    const seeded = await openStore(url);
    await seeded.strategies.upsert({ id: "cand-bad", name: "bad", source: "llm", spec: { nonsense: 1 } }, "llm", 0);
    for (const to of ["backtested", "validated", "shadow"] as const)
      await seeded.strategies.transition("cand-bad", to, "llm", `gate for ${to} passed`, 0);
    await seeded.close();
    const end = (series.time[series.length - 1] as number) + H;
    const { runner, marked, errors } = await run(start, end, { minIterations: 100, minSharpe: 1.2 });
    // A stored spec that does not compile is reported once and left out; the others run.
    expect(errors).toEqual(["strategy cand-bad cannot run in shadow"]);
    const s = await stored();
    const steps = series.length - 1 - warmup;
    expect(s.equity).toHaveLength(steps);
    expect(s.run?.iterations).toBe(steps - 1);
    expect(s.run?.equity).toBeCloseTo(s.equity.at(-1)?.equity ?? Number.NaN, 9);
    expect(s.trades.length).toBeGreaterThan(3);
    // The live account never traded: paper fills only, for the shadow, never the session's orders.
    expect(s.equity.every((e) => e.liveEquity === 10_000)).toBe(true);
    expect(s.run?.ready).toBe(true);
    expect(marked).toEqual(["cand-trend"]);
    expect(s.status).toBe("awaiting-approval");
    expect(s.transitions.at(-1)).toMatchObject({ toStatus: "awaiting-approval", by: "shadow" });
    expect(s.transitions.at(-1)?.reason).toMatch(
      /shadow Sharpe .* > 1.2 and > 1.1 × live n\/a after \d+ iterations, p-value .* < 0.05 against live/,
    );
    // The paired test on daily returns is stored with the figures: 300 hourly steps are 12 whole days after the first.
    expect(s.run?.pairedDays).toBeGreaterThanOrEqual(10);
    expect(s.run?.pValue).toBeLessThan(0.05);
    // Still shadowed while a person decides.
    expect(runner.candidates).toEqual(["cand-trend"]);
  });

  it("waits for ten paired days before it marks a candidate, however good its Sharpe", async () => {
    // Eight days of hourly steps: the Sharpe rule is met long before, the paired test cannot run yet.
    const { marked } = await run(start, start + 8 * 24 * H, { minIterations: 20, minSharpe: 1.2 });
    const s = await stored();
    expect(marked).toEqual([]);
    expect(s.status).toBe("shadow");
    expect(s.run?.sharpe).toBeGreaterThan(1.2);
    expect(s.run?.pValue).toBeNull();
    expect(s.run?.ready).toBe(false);
    expect(s.run?.verdict).toMatch(/no significance test against the live strategy yet .*: \d of 10 paired days/);
  });

  it("resumes after a restart where it stopped: the same equity and trades as one uninterrupted run, none twice", async () => {
    const middle = (series.time[250] as number) + H;
    const end = (series.time[series.length - 1] as number) + H;
    const never = { minIterations: 10_000, minSharpe: 1.2 };
    await run(start, middle, never);
    const first = await stored();
    const second = await run(middle, end, never);
    expect(second.runner.resumed.get("cand-trend")).toBe(first.run?.stepClose);
    const restarted = await stored();

    rmSync(join(dir, "aegis.sqlite"));
    for (const suffix of ["-wal", "-shm"]) rmSync(join(dir, `aegis.sqlite${suffix}`), { force: true });
    await (async () => {
      const store = await openStore(url);
      await store.strategies.upsert(
        { id: "cand-trend", name: "trend", source: "evolver", spec: TREND_SPEC },
        "evolver",
        0,
      );
      for (const to of ["backtested", "validated", "shadow"] as const)
        await store.strategies.transition("cand-trend", to, "evolver", `gate for ${to} passed`, 0);
      await store.close();
    })();
    await run(start, end, never);
    const straight = await stored();

    expect(restarted.trades.map((t) => t.tradeId)).toEqual(straight.trades.map((t) => t.tradeId));
    expect(new Set(restarted.trades.map((t) => t.tradeId)).size).toBe(restarted.trades.length);
    expect(restarted.trades.map((t) => t.pnl)).toEqual(straight.trades.map((t) => t.pnl));
    expect(restarted.equity.map((e) => e.time)).toEqual(straight.equity.map((e) => e.time));
    expect(restarted.run?.equity).toBeCloseTo(straight.run?.equity ?? Number.NaN, 9);
    expect(restarted.run?.iterations).toBe(straight.run?.iterations);
    expect(restarted.run?.sharpe).toBeCloseTo(straight.run?.sharpe ?? Number.NaN, 9);
  });
});
