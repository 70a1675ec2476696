import { describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { Action, Vote } from "../../domain/signal.js";
import { DecisionCombiner } from "../../engine/combiner.js";
import { createAiEnsemble } from "./ai-ensemble.js";
import { createOrchestrator } from "./orchestrator.js";

const vote = (source: string, action: Action, confidence: number, extra: Partial<Vote> = {}): Vote => ({
  source,
  symbol: "BTC/USDT",
  action,
  confidence,
  reasons: [`${source} reason`],
  ...extra,
});
const healthy = vote("online-learner", "hold", 1, {
  role: "advisor",
  scale: 1,
  reasons: ["Healthy strategy (win rate 0.55 over 20, 0 losses in a row)"],
});

describe("AI orchestrator", () => {
  it("names each source's vote in the seed's words", () => {
    const o = createOrchestrator(["technical", "rl", "evolved", "online"]);
    const d = new DecisionCombiner(o.combinerOptions).combine([
      vote("atl-technical", "buy", 0.49),
      vote("rl", "buy", 0.65),
      vote("evolved", "buy", 1),
      healthy,
    ]);
    expect(d.action).toBe("buy");
    expect(d.reason.split("; ")[0]).toBe("Technical LONG + RL BUY + Evolved match + Healthy strategy");
  });

  it("weighs 30/25/20 and renormalises over the kinds present", () => {
    const all = new DecisionCombiner(createOrchestrator(["technical", "rl", "evolved"]).combinerOptions).combine([
      vote("atl-technical", "buy", 0.49),
      vote("rl", "buy", 0.65),
      vote("evolved", "buy", 1),
    ]);
    expect(all.confidence).toBeCloseTo((0.3 * 0.49 + 0.25 * 0.65 + 0.2) / 0.75, 12);
    // Evolved missing: technical and RL keep their 30:25 proportion.
    const two = createOrchestrator(["technical", "rl"]);
    expect(
      new DecisionCombiner(two.combinerOptions).combine([vote("atl-technical", "buy", 0.49), vote("rl", "buy", 0.65)])
        .confidence,
    ).toBeCloseTo((0.3 * 0.49 + 0.25 * 0.65) / 0.55, 12);
    expect(two.note).toBe(
      "present: Technical atl-technical 55 %, RL rl 45 %; missing (weights renormalised): Evolved, Online, LLM",
    );
  });

  it("sizes an entry at confidence × the regime's factor", () => {
    const o = createOrchestrator(["technical", "rl"]);
    const votes = [vote("atl-technical", "buy", 0.8), vote("rl", "buy", 0.8)];
    const bull = new DecisionCombiner(o.combinerOptions).combine(votes, { regime: "bull" });
    expect(bull.sizeFactor).toBeCloseTo(0.8 * 1.2, 12);
    expect(bull.reason).toContain("size × confidence 0.80 × regime bull 1.2 = 0.960");
    expect(new DecisionCombiner(o.combinerOptions).combine(votes, { regime: "crash" }).sizeFactor).toBeCloseTo(
      0.8 * 0.3,
      12,
    );
    expect(new DecisionCombiner(o.combinerOptions).combine(votes).sizeFactor).toBeCloseTo(0.8, 12);
  });

  it("lets the LLM veto an entry but never open one, and the learner scale one down", () => {
    const o = createOrchestrator(["technical", "online", "llm"]);
    expect(
      new DecisionCombiner(o.combinerOptions).combine([
        vote("atl-technical", "hold", 1),
        vote("llm", "buy", 1, { role: "advisor" }),
      ]).action,
    ).toBe("hold");
    const vetoed = new DecisionCombiner(o.combinerOptions).combine([
      vote("atl-technical", "buy", 1),
      vote("llm", "hold", 1, { role: "advisor", veto: true }),
    ]);
    expect(vetoed.veto).toBe("vetoed by llm: llm reason");
    expect(vetoed.reason.split("; ")[0]).toBe("Technical LONG + LLM veto");
    const weak = new DecisionCombiner(o.combinerOptions).combine([
      vote("atl-technical", "buy", 1),
      vote("online-learner", "hold", 1, {
        role: "advisor",
        scale: 0.7,
        reasons: ["Weak strategy (win rate 0.40 over 10)"],
      }),
    ]);
    expect(weak.sizeFactor).toBeCloseTo(0.7, 12);
    expect(weak.reason.split("; ")[0]).toBe("Technical LONG + Weak strategy");
  });
});

describe("the AI ensemble in a backtest", () => {
  const series = simulateMarket({ seed: 11, bars: 6000, symbol: "SIM/USDT" }).series;

  it("trades like atl-technical alone while the learner never objects (the sizing is confidence 1 × unknown regime 1)", () => {
    const quiet = {
      maxConsecutiveLosses: 1_000_000,
      minWinRate: 0,
      targetWinRate: 0,
      drift: { delta: 1, threshold: 1e9 },
    };
    const ensemble = createAiEnsemble({ learner: quiet });
    const alone = runBacktest({ feeds: [{ series, strategy: ensemble.technical }], cash: 10_000 });
    const ai = runBacktest({
      feeds: [{ series, strategy: ensemble.technical, sources: ensemble.sourcesFor(series.symbol) }],
      cash: 10_000,
      combiner: new DecisionCombiner(ensemble.orchestrator.combinerOptions),
      learners: ensemble.learners,
    });
    expect(alone.trades.length).toBeGreaterThan(5);
    const key = (t: (typeof ai.trades)[number]) => [t.entryTime, t.exitTime, t.side, t.quantity, t.netPnl];
    expect(ai.trades.map(key)).toEqual(alone.trades.map(key));
    expect(ai.decisions[0]?.reason).toMatch(
      /^Technical (LONG|SHORT|EXIT) \+ Healthy strategy; size × confidence 1\.00 × regime unknown 1 = 1\.000$/,
    );
    expect(ai.trades.every((t) => t.source === "atl-technical")).toBe(true);
  });

  it("says which kinds were present", () => {
    expect(createAiEnsemble().orchestrator.note).toBe(
      "present: Technical atl-technical 100 %, Online online-learner (advisor); missing (weights renormalised): RL, Evolved, LLM",
    );
  });
});
