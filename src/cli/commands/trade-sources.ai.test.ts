import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { Abstentions } from "../../ai/ml/ml-strategy.js";
import { hourlyCandles, xgboostPresent } from "../../ai/ml/testing.js";
import type { LearnerConfig } from "../../ai/runtime/learners-config.js";
import { ignoreSignalsBefore } from "../../backtest/ignore-signals-before.js";
import { runBacktest } from "../../backtest/run-backtest.js";
import { writeCandleCsv } from "../../data/csv/write-csv.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { CandleSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { DecisionCombiner } from "../../engine/combiner.js";
import { MemorySessionStore } from "../../engine/trading/session-store.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { riskConfigSchema } from "../../risk/config.js";
import { prepareAiRun } from "./backtest-ai.js";
import { loadMlSupport, tradeSources } from "./trade-sources.js";
import { trainMlCommand } from "./train.js";

const H = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), "aegis-trade-ai-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A paper session over `series` from bar `from` on, with the slots trade.ts would build for `--strategy`. */
async function paper(series: CandleSeries, from: number, strategy: string, learners: readonly LearnerConfig[] = []) {
  await loadMlSupport([strategy]);
  const ai = tradeSources(
    { strategy: [strategy], symbols: [series.symbol], timeframe: "1h", learners, risk: undefined },
    () => 10_000,
  );
  const clock = new ManualClock((series.time[from] as number) + H);
  const store = new MemorySessionStore();
  const feed = new ReplayFeed([series], H, clock);
  const session = new TradingSession({
    session: "paper",
    slots: [
      {
        symbol: series.symbol,
        strategy: ai.strategies.get(series.symbol) as never,
        instrument: defaultInstrument(series.symbol),
        sources: ai.sourcesFor(series.symbol),
      },
    ],
    timeframe: "1h",
    cash: 10_000,
    feed,
    store,
    clock,
    warmupBars: 5000,
    ...(ai.combiner ? { combiner: ai.combiner } : {}),
    learning: ai.learning,
  });
  ai.attach(session);
  await session.start();
  feed.deliverUntil((series.time[series.length - 1] as number) + H);
  await session.flushed();
  await session.stop();
  return { ai, store };
}

describe("aegis trade with AI strategies", () => {
  it("--strategy ai trades the orchestrated ensemble as the backtest does over the same bars", async () => {
    const series = simulateMarket({ seed: 3, bars: 1500, symbol: "AI/USDT" }).series;
    const from = 500;
    const { ai, store } = await paper(series, from, "ai");
    const run = prepareAiRun({}, undefined);
    const backtest = runBacktest({
      feeds: [
        {
          series,
          strategy: ignoreSignalsBefore(run.ensemble.technical, (series.time[from] as number) + H),
          sources: run.ensemble.sourcesFor(series.symbol),
        },
      ],
      combiner: new DecisionCombiner(run.ensemble.orchestrator.combinerOptions),
      learners: run.ensemble.learners,
      cash: 10_000,
      closeAtEnd: false,
      runId: "paper",
    });
    const trades = store.all("paper", "trades");
    expect(trades.length).toBeGreaterThan(3);
    expect(trades).toEqual(backtest.trades);
    const decisions = store.all("paper", "decisions");
    expect(decisions.map((d) => d.reason)).toEqual(backtest.decisions.map((d) => d.reason));
    expect(decisions[0]?.votes.map((v) => v.source)).toEqual(["atl-technical", "online-learner"]);
    // The orchestrator sizes entries, so the shield's confidence scaling is off, as in `backtest --strategy ai`.
    const risk = riskConfigSchema.parse({});
    expect(ai.riskFor(risk).sizing.confidenceScaling.enabled).toBe(false);
  }, 60_000);

  it("--strategy ai: the config's online-learner options reach the ensemble's own learner", async () => {
    const series = simulateMarket({ seed: 3, bars: 1500, symbol: "AI/USDT" }).series;
    const blocked = (store: MemorySessionStore) =>
      store
        .all("paper", "decisions")
        .filter((d) => d.votes.some((v) => v.source === "online-learner" && v.veto === true)).length;
    const plain = await paper(series, 500, "ai");
    // One loss in a row blocks, and nothing comes back on probation within the run.
    const strict = await paper(series, 500, "ai", [
      { kind: "online-learner", maxConsecutiveLosses: 1, recoveryHours: 100_000 },
    ]);
    expect(strict.ai.onlineLearner).toBeDefined();
    expect(plain.store.all("paper", "trades").length).toBeGreaterThan(3);
    expect(blocked(plain.store)).toBe(0);
    expect(blocked(strict.store)).toBeGreaterThan(0);
    expect(strict.store.all("paper", "trades").length).toBeLessThan(plain.store.all("paper", "trades").length);
    expect(strict.ai.status().online?.[0]?.blocked).toBe(true);
    await expect(paper(series, 500, "ai", [{ kind: "online-learner", window: 5, minTrades: 10 }])).rejects.toThrow(
      /trading.learners: online learner: minTrades must be an integer in \[1, window 5\]/,
    );
  }, 60_000);

  it.skipIf(!xgboostPresent())(
    "--strategy ml:FILE votes from the first live bar (it catches up on the warm-up bars it was not stepped on)",
    async () => {
      const series = hourlyCandles(2400, 11, "ML/USDT");
      const file = join(dir, "bars.csv");
      await writeCandleCsv(series, file);
      vi.spyOn(process.stdout, "write").mockImplementation(() => true);
      await trainMlCommand({
        data: file,
        horizon: "4",
        label: "forward",
        barrier: "0.02",
        testDays: "20",
        trainDays: "40",
        seed: "42",
        out: join(dir, "models"),
        progress: false,
        json: true,
        to: "2024-03-01",
      });
      vi.restoreAllMocks();
      const model = `ml:${join(dir, "models", "final.model.json")}?buy=0.5&sell=0.45`;
      const { ai, store } = await paper({ ...series, timeframe: "1h" }, 1500, model);
      const strategy = ai.strategies.get("ML/USDT") as unknown as { name: string; abstentions: Abstentions };
      expect(strategy.name).toContain("final.model.json");
      expect(strategy.abstentions.get("warm-up")).toBeUndefined();
      const decisions = store.all("paper", "decisions");
      expect(decisions.length).toBeGreaterThan(0);
      expect(decisions[0]?.votes[0]?.reasons[0]).toMatch(/^ML P\(up\) 0\.\d{3}/);
    },
    120_000,
  );
});
