import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { learnersConfigSchema } from "../../ai/runtime/learners-config.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { REGIMES } from "../../domain/regime.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { riskConfigSchema } from "../../risk/config.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import { statusCommand } from "./status.js";
import { type savedAiStatus, tradeSources } from "./trade-sources.js";

const H = 3_600_000;
const series = [1, 2].map((k) => simulateMarket({ seed: 70 + k, bars: 1000, symbol: `S${k}/USDT` }).series);
const start = (series[0]?.time[300] as number) + H;
const end = (series[0]?.time[999] as number) + H;
// Fast enough to close many trades in a short test; the name (the allocator's and learner's key) is the same.
const fast = loadStrategy("sma-cross", { fast: 4, slow: 12, stopLoss: 2 });
const learners = learnersConfigSchema.parse([
  { kind: "online-learner", minTrades: 4, window: 10 },
  { kind: "allocator", minActiveDays: 2 },
  { kind: "pattern-memory", k: 6, minNeighbours: 4 },
]);
const dir = mkdtempSync(join(tmpdir(), "aegis-trade-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let stores = 0;

/** One process of `aegis trade`: its sources and learners built as trade.ts builds them, on a SQLite store. */
async function paper(location: string, clock: ManualClock, options: { forget?: boolean } = {}) {
  const store = await openStore(location);
  let equity = () => 10_000;
  const ai = tradeSources(
    { strategy: ["sma-cross"], symbols: series.map((s) => s.symbol), timeframe: "1h", learners, risk: undefined },
    () => equity(),
  );
  ai.loadPatterns(options.forget ? [] : await store.learning.trades());
  const risk = createRiskRuntime(riskConfigSchema.parse({ regime: { percentileWindow: 200 } }), {
    store: new MemoryStateStore(),
  });
  const feed = new ReplayFeed(series, H, clock);
  const learning = options.forget ? { ...ai.learning, restore: () => {} } : ai.learning;
  const session = new TradingSession({
    session: "paper-ai",
    slots: series.map((s) => ({
      symbol: s.symbol,
      strategy: ai.strategies.get(s.symbol)?.name === fast.name ? fast : (ai.strategies.get(s.symbol) as never),
      instrument: defaultInstrument(s.symbol),
      size: { type: "percent-equity", value: 40 },
      sources: ai.sourcesFor(s.symbol),
    })),
    timeframe: "1h",
    cash: 10_000,
    feed,
    store: new StoreSessionStore(store, "sim"),
    clock,
    warmupBars: 2000,
    ...(risk.regimeColumn ? { regimeColumn: risk.regimeColumn } : {}),
    learning,
  });
  ai.attach(session);
  equity = () => session.portfolio.equity();
  return { session, feed, store, ai };
}

/** Runs start → end, killed (objects dropped, store reopened) after each bar index in `kills`. */
async function run(kills: readonly number[], options: { forget?: boolean } = {}) {
  const location = `sqlite:${join(dir, `store-${++stores}.sqlite`)}`;
  let clock = new ManualClock(start);
  let p = await paper(location, clock);
  await p.session.start();
  const closed: Store[] = [];
  for (const killAt of kills) {
    p.feed.deliverUntil((series[0]?.time[killAt] as number) + H);
    await p.session.flushed();
    closed.push(p.store);
    clock = new ManualClock(clock.now());
    p = await paper(location, clock, options);
    await p.session.start();
  }
  p.feed.deliverUntil(end);
  await p.session.flushed();
  const status = p.ai.status();
  await p.session.stop();
  for (const s of closed) await s.close();
  const store = await openStore(location);
  try {
    const state = await new StoreSessionStore(store, "sim").load("paper-ai");
    return {
      location,
      status,
      learnerState: state?.learners,
      trades: await store.trades.range(),
      decisions: (await store.decisions.range()).map((d) => [d.time, d.symbol, d.action, d.votes]),
      learningTrades: await store.learning.trades(),
      performance: await store.learning.strategyPerformance(),
    };
  } finally {
    await store.close();
  }
}

let uninterrupted: ReturnType<typeof run> | undefined;
/** The run that never stopped, shared by the tests (a run takes seconds: a SQLite commit per step). */
const throughRun = () => {
  uninterrupted ??= run([]);
  return uninterrupted;
};

describe("aegis trade with learners (trade-sources.ts on a real SQLite store)", () => {
  it("a killed session continues from its saved learner state: the same votes, trades and state as a run that never stopped", async () => {
    const through = await throughRun();
    const killed = await run([500, 750]);
    const scratch = await run([500, 750], { forget: true });

    expect(through.trades.length).toBeGreaterThan(10);
    expect(killed.trades).toEqual(through.trades);
    expect(killed.decisions).toEqual(through.decisions);
    expect(killed.learnerState).toEqual(through.learnerState);
    // Every learner voted in the records, and the state they carried across the kills mattered.
    const voters = new Set(through.decisions.flatMap((d) => (d[3] as { source: string }[]).map((v) => v.source)));
    expect([...voters].sort()).toEqual(["allocator", "online-learner", "pattern-memory", "sma-cross"]);
    expect(scratch.decisions).not.toEqual(through.decisions);
    expect(through.status.patterns).toBe(through.learningTrades.length);
    expect(through.status.online?.[0]?.trades).toBeGreaterThan(0);
  }, 120_000);

  it("fills the learning tables: one row per closed trade with regime and features, periodic performance rows", async () => {
    const { trades, learningTrades, performance, status } = await throughRun();
    expect(learningTrades.map((r) => [r.symbol, r.time, r.entryPrice, r.exitPrice, r.pnl])).toEqual(
      trades.map((t) => [t.symbol, t.exitTime, t.entryPrice, t.exitPrice, t.pnl]),
    );
    for (const row of learningTrades) {
      expect(row.outcome).toBe((row.pnl ?? 0) > 0 ? "WIN" : "LOSS");
      expect(row.strategyId).toBe("sma-cross");
      expect(REGIMES).toContain(row.regime);
      expect(Object.keys(row.indicators).length).toBeGreaterThan(15);
    }
    // Daily rows: over all regimes (no regime) they count the trades closed before their time.
    const overall = performance.filter((p) => p.regime === undefined);
    expect(overall.length).toBeGreaterThan(10);
    for (const p of overall) {
      const before = learningTrades.filter((r) => r.time < p.time);
      expect(p.trades).toBe(before.length);
      expect(p.winRate).toBeCloseTo(before.filter((r) => r.outcome === "WIN").length / before.length, 12);
    }
    const byRegime = performance.filter((p) => p.regime !== undefined && p.time === overall.at(-1)?.time);
    expect(byRegime.reduce((sum, p) => sum + p.trades, 0)).toBe(overall.at(-1)?.trades);
    // The allocator weighed the two slots from their record, and says so.
    expect(status.allocator?.lines.map((l) => l.id)).toEqual(["S1/USDT sma-cross", "S2/USDT sma-cross"]);
    expect(status.allocator?.reason).toMatch(/^(rebalanced|kept)/);
    expect(status.allocator?.lines.map((l) => l.capital)).not.toEqual([0.5, 0.5]);
  }, 120_000);

  it("aegis status shows the allocator's weights and the learner from the state the session saved", async () => {
    const { location, status } = await throughRun();
    let out = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    await statusCommand({ store: location, json: true }, {});
    const report = JSON.parse(out) as { sessions: { ai?: ReturnType<typeof savedAiStatus> }[] };
    expect(report.sessions[0]?.ai?.allocator?.lines).toEqual(status.allocator?.lines);
    out = "";
    await statusCommand({ store: location }, {});
    const [first, second] = status.allocator?.lines ?? [];
    expect(out).toContain(
      `  allocator  S1/USDT sma-cross ${((first?.capital ?? 0) * 100).toFixed(1)} % (×${first?.scale.toFixed(2)}) · S2/USDT sma-cross ${((second?.capital ?? 0) * 100).toFixed(1)} %`,
    );
    expect(out).toMatch(/\n {2}learner {4}sma-cross: (trading|BLOCKED)/);
  }, 120_000);
});
