import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type EvolvedRecord, storeSink } from "../../research/evolution/evolution-sink.js";
import { registerFinalists } from "../../research/evolution/register-finalists.js";
import type { Finalist } from "../../research/evolution/run-evolution.js";
import type { DebateTranscript } from "../../research/llm/debate-types.js";
import type { Store } from "../../store/store.js";

export const T0 = Date.UTC(2024, 2, 1, 12);
export const MINUTE = 60_000;
/** A 64-hex spec hash that is easy to recognise in a test: `hash(3)` = "0303…03". */
export const hash = (n: number) => n.toString(16).padStart(2, "0").repeat(32);
export const HOSTILE = "<img src=x onerror=window.__xss=1>";

const gate = (name: string, value: number | null, passed: boolean, threshold: string) => ({
  gate: name,
  value,
  passed,
  threshold,
  detail: `${name} detail`,
});

/** The finalists' fields `registerFinalists` reads; the rest of a Finalist is the search's and not stored. */
function finalist(n: number, name: string, generation: number, passed: boolean): Finalist {
  const gates = [
    gate("holdout Sharpe", passed ? 1.42 : 0.12, passed, "> 0.5"),
    gate("holdout max drawdown", 0.081, true, "< 20.00 %"),
    gate("holdout trades", passed ? 41 : 3, passed, ">= 30"),
    gate("flash-crash stress", 0.12, true, "passes (−20 % crash)"),
    gate("deflated Sharpe ratio", passed ? 0.97 : 0.41, passed, ">= 0.95"),
    gate("probability of backtest overfitting", 0.18, true, "<= 0.5"),
    gate("bootstrap vs buy-and-hold", passed ? 0.012 : 0.44, passed, "p <= 0.05"),
  ];
  const failed = gates.filter((g) => !g.passed).map((g) => `${g.gate}: ${g.value} (needs ${g.threshold})`);
  return {
    hash: hash(n),
    name,
    generation,
    fitness: passed ? 0.91 : 0.2,
    parents: [],
    spec: { name } as unknown as Finalist["spec"],
    outOfSample: { sharpe: 1.1, totalReturn: 0.043, maxDrawdown: 0.07, trades: 42, winRate: 0.55, bars: 800 },
    deflatedSharpe: { dsr: passed ? 0.97 : 0.41 },
    gates: {
      passed,
      gates,
      // A reason is text from the gates; one carrying markup must reach the page as text.
      reasons: passed ? [] : [...failed, `note ${HOSTILE}`],
      holdout: { sharpe: 1.42, maxDrawdown: 0.081, winRate: 0.5, profitFactor: 1.3 },
      holdoutTrades: passed ? 41 : 3,
    },
  } as unknown as Finalist;
}

const record = (n: number, name: string, generation: number, fitness: number | null, parents: number[]) =>
  ({
    hash: hash(n),
    name,
    generation,
    fitness,
    ...(fitness === null ? { fitnessReason: "too few trades (2 < 10)" } : {}),
    parents: parents.map(hash),
    genome: {} as EvolvedRecord["genome"],
    spec: { name } as unknown as EvolvedRecord["spec"],
    outOfSample: { sharpe: 0.8, totalReturn: 0.02, maxDrawdown: 0.05, trades: 30, winRate: 0.5, bars: 800 },
    symbol: "BTC/USDT",
  }) satisfies EvolvedRecord;

/**
 * An evolution as `aegis evolve --store --out` leaves it, written through the real writers (the store sink and
 * registerFinalists): five evolved strategies over three generations (4 ← 3 ← 1, 2; 5 ← 1), finalist 4 validated
 * then promoted from shadow on a p-value, finalist 5 retired as blacklisted; an architect debate (a rejected and
 * blacklisted round, then an approved spec the LLM layer validated); an audit; and in `reportDir` the run's
 * evolution.json and blacklist.json.
 */
export async function seedEvolutionHistory(store: Store, reportDir: string): Promise<void> {
  let time = T0;
  const clock = () => time;
  await storeSink(store, clock).record([record(1, "ema gen0 a", 0, 0.3, []), record(2, "rsi gen0 b", 0, null, [])]);
  time += MINUTE;
  await storeSink(store, clock).record([
    record(3, "ema×rsi child", 1, 0.6, [1, 2]),
    record(5, "ema mutant", 1, 0.2, [1]),
  ]);
  time += MINUTE;
  await storeSink(store, clock).record([record(4, "ema×rsi grandchild", 2, 0.91, [3, 2])]);
  time += MINUTE;
  const run = {
    finalists: [finalist(4, "ema×rsi grandchild", 2, true), finalist(5, "ema mutant", 1, false)],
    symbol: "BTC/USDT",
    regime: null,
    plan: { mode: "rolling" } as Finalist["outOfSample"] & { mode: "rolling" },
    trials: 5,
  };
  await registerFinalists(store, run as unknown as Parameters<typeof registerFinalists>[1], { fee: 0.001, clock });
  time += MINUTE;
  await store.strategies.transition(hash(4), "shadow", "ada", "watch it beside the live strategy", time);
  time += MINUTE;
  await store.strategies.transition(
    hash(4),
    "awaiting-approval",
    "shadow",
    "Sharpe 1.40 > live 0.30; vs live sma-cross: p 0.0123 (Diebold–Mariano, lag 3, 40 days 2024-03-01 – 2024-04-10, mean daily difference 0.0100 %, bootstrap p 0.0400)",
    time,
    "shadow",
  );

  time += MINUTE;
  const selection = (passed: boolean) => ({
    passed,
    gates: [
      gate("in-sample Sharpe", passed ? 1.1 : 0.1, passed, "> 0.5"),
      gate("walk-forward Sharpe", passed ? 0.9 : -0.2, passed, "> 0.3"),
    ],
    reasons: passed ? [] : ["in-sample Sharpe: 0.1 (needs > 0.5)", "walk-forward Sharpe: -0.2 (needs > 0.3)"],
    inSample: { sharpe: 1.1, maxDrawdown: 0.05, totalReturn: 0.03, trades: 40, bars: 700 },
    walkForward: { sharpe: 0.9, maxDrawdown: 0.05, totalReturn: 0.02, trades: 20, bars: 300, windows: 3 },
    bars: [0, 700] as const,
  });
  const transcript: DebateTranscript = {
    kind: "architect",
    symbol: "BTC/USDT",
    startedAt: time,
    finishedAt: time + MINUTE,
    suggestion: { reason: "drawdowns in chop", proposedChange: "add an ADX filter" },
    maxRounds: 3,
    rounds: [
      {
        round: 1,
        proposer: "architect",
        rationale: "tighter stop",
        specHash: hash(6),
        spec: { name: "adx stop v1" } as unknown as NonNullable<DebateTranscript["rounds"][number]["spec"]>,
        stage: "selection",
        verdict: "rejected",
        reasons: ["in-sample Sharpe: 0.1 (needs > 0.5)", "walk-forward Sharpe: -0.2 (needs > 0.3)"],
        selection: selection(false),
        critique: "the stop fires on noise",
      },
      {
        round: 2,
        proposer: "architect",
        rationale: "ADX > 25 filter",
        specHash: hash(7),
        spec: { name: "adx filter v2" } as unknown as NonNullable<DebateTranscript["rounds"][number]["spec"]>,
        stage: "holdout",
        verdict: "approved",
        reasons: [],
        selection: selection(true),
        holdout: {
          passed: true,
          gates: [
            gate("holdout Sharpe", 0.8, true, "> 0.5"),
            gate("bootstrap vs buy-and-hold", 0.03, true, "p <= 0.05"),
          ],
          reasons: [],
          bars: [700, 1000],
        },
      },
    ],
    outcome: "approved",
    stoppedBecause: "a spec passed every gate",
    survivor: { id: hash(7), name: "adx filter v2", status: "validated" },
    blacklisted: [hash(6)],
    windows: { search: [T0, T0], holdout: [T0, T0] },
    fee: 0.001,
    trials: 2,
  };
  await store.debates.insert(transcript);
  await store.strategies.upsert({ id: hash(7), name: "adx filter v2", source: "llm", spec: {} }, "llm-architect", time);
  await store.strategies.transition(
    hash(7),
    "backtested",
    "llm-architect",
    "selection gates passed: in-sample Sharpe 1.1, walk-forward Sharpe 0.9",
    time,
  );
  await store.strategies.transition(
    hash(7),
    "validated",
    "llm-architect",
    "holdout gates passed: holdout Sharpe 0.8, bootstrap vs buy-and-hold 0.03",
    time,
  );

  time += MINUTE;
  await store.llm.insert({
    time,
    role: "auditor",
    model: "qwen2.5:7b",
    prompt: "Audit the last 100 candles",
    response: JSON.stringify({
      analysis: `Choppy market; ${HOSTILE} the stop is too tight`,
      signal: "HOLD",
      confidence: 0.55,
      suggestion: { reason: "drawdowns in chop", proposedChange: "add an ADX filter" },
    }),
    latencyMs: 900,
  });

  mkdirSync(join(reportDir, "evo-btc"), { recursive: true });
  writeFileSync(
    join(reportDir, "evo-btc", "evolution.json"),
    JSON.stringify({
      symbol: "BTC/USDT",
      regime: null,
      seed: 7,
      stoppedBecause: "3 generations",
      trials: 5,
      pbo: { pbo: 0.18, blocks: 10, splits: 252 },
      generations: [
        { generation: 0, best: 0.3, mean: 0.1, ranked: 1, evaluated: 2, bestHash: hash(1) },
        { generation: 1, best: 0.6, mean: 0.4, ranked: 2, evaluated: 2, bestHash: hash(3) },
        { generation: 2, best: 0.91, mean: 0.55, ranked: 1, evaluated: 1, bestHash: hash(4) },
      ],
      lineage: [
        { hash: hash(4), name: "ema×rsi grandchild", generation: 2, fitness: 0.91, parents: [hash(3), hash(2)] },
        { hash: hash(3), name: "ema×rsi child", generation: 1, fitness: 0.6, parents: [hash(1), hash(2)] },
      ],
      finalists: run.finalists,
    }),
  );
  writeFileSync(
    join(reportDir, "evo-btc", "blacklist.json"),
    JSON.stringify({
      [hash(5)]: { reason: `holdout trades: 3 (needs >= 30); ${HOSTILE}`, time: T0, name: "ema mutant" },
    }),
  );
}
