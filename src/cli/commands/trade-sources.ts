import { RuntimeAllocator, type RuntimeAllocatorState } from "../../ai/allocator/runtime-allocator.js";
import { featureRecord, featureRow, seriesFeaturesAt } from "../../ai/memory/feature-snapshot.js";
import { PatternMemory } from "../../ai/memory/pattern-memory.js";
import type { RetrainSettingsInput } from "../../ai/ml/retrain/retrain-settings.js";
import type { OnlineLearner, OnlineLearnerOptions, OnlineLearnerState } from "../../ai/online/online-learner.js";
import { OnlineLearner as Learner } from "../../ai/online/online-learner.js";
import type { LearnerConfig } from "../../ai/runtime/learners-config.js";
import { LearningRecorder, type LearningRecorderState } from "../../ai/runtime/learning-recorder.js";
import { slotsAsFlags, type TradingSlot } from "../../config/trading-slots.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import type { TradeLearner } from "../../engine/attribution.js";
import { DecisionCombiner } from "../../engine/combiner.js";
import type { SessionLearning, TradingSession } from "../../engine/trading/trading-session.js";
import type { RiskConfig } from "../../risk/config.js";
import type { LearningTrade } from "../../store/repositories/learning.js";
import { loadStrategy } from "../../strategy/registry.js";
import { type SignalSource, strategySource } from "../../strategy/signal-source.js";
import type { Strategy } from "../../strategy/strategy.js";
import { LIFECYCLE_STRATEGY } from "../trade-lifecycle.js";
import { UsageError } from "../usage-error.js";
import { AI_STRATEGY, prepareAiRun } from "./backtest-ai.js";

/** What `aegis trade` runs on each symbol: the slot strategy, the sources beside it, and the learners. */
export interface TradeSources {
  readonly strategies: ReadonlyMap<string, Strategy>;
  sourcesFor(symbol: string): SignalSource[];
  /** The orchestrator's combiner with `--strategy ai`; the default combiner otherwise. */
  readonly combiner: DecisionCombiner | undefined;
  /** The risk config to run with (`--strategy ai` sizes entries itself; backtest-ai.ts says why). */
  riskFor(risk: RiskConfig): RiskConfig;
  /** Past learning trades of the store, oldest first: the pattern memory starts from them. */
  loadPatterns(rows: readonly LearningTrade[]): void;
  readonly learning: SessionLearning;
  /** Gives the learning recorder the session's bars and regimes (call before `session.start`). */
  attach(session: TradingSession): void;
  /** Lines for the status display: allocator weights, blocked strategies, patterns in memory. */
  status(): AiStatus;
  /** The online learner, when one runs: its blocks roll the lifecycle back (trade-rollback.ts). */
  readonly onlineLearner: OnlineLearner | undefined;
}

export interface AiStatus {
  readonly allocator?: ReturnType<RuntimeAllocator["status"]>;
  readonly online?: readonly { strategy: string; blocked: boolean; reason?: string; scale: number; trades: number }[];
  readonly patterns?: number;
}

export interface TradeSourcesInput {
  readonly strategy: readonly string[];
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly learners: readonly LearnerConfig[];
  /** The configuration file's risk section: the orchestrator's regime factors come from it. */
  readonly risk: RiskConfig | undefined;
  /** What `--strategy lifecycle` runs at start: the lifecycle's live strategy (trade-lifecycle.ts). */
  readonly lifecycle?: Strategy;
}

/**
 * `--strategy NAME|ml:FILE|ai` (for every symbol, or SYMBOL=… per symbol) and `trading.learners` turned into the
 * slots' strategies, sources and learners. Every session also fills the learning tables (learning-recorder.ts).
 */
export function tradeSources(input: TradeSourcesInput, equity: () => number): TradeSources {
  const names = strategyNamesPerSymbol(input.strategy, input.symbols);
  const wantsAi = [...names.values()].filter((n) => n.includes(AI_STRATEGY)).length;
  if (wantsAi > 0 && wantsAi < input.symbols.length)
    throw new UsageError("--strategy ai runs the orchestrated ensemble on every symbol or on none");
  for (const [symbol, list] of names)
    if (list.includes(AI_STRATEGY) && list.length > 1)
      throw new UsageError(
        `--strategy ai is already an ensemble; it cannot share ${symbol} with ${list.filter((n) => n !== AI_STRATEGY).join(", ")}`,
      );
  const onlineConfig = input.learners.find((l) => l.kind === "online-learner");
  const learnerOptions: OnlineLearnerOptions | undefined = onlineConfig
    ? {
        ...(onlineConfig.window !== undefined ? { window: onlineConfig.window } : {}),
        ...(onlineConfig.minTrades !== undefined ? { minTrades: onlineConfig.minTrades } : {}),
        ...(onlineConfig.minWinRate !== undefined ? { minWinRate: onlineConfig.minWinRate } : {}),
        ...(onlineConfig.maxConsecutiveLosses !== undefined
          ? { maxConsecutiveLosses: onlineConfig.maxConsecutiveLosses }
          : {}),
        ...(onlineConfig.targetWinRate !== undefined ? { targetWinRate: onlineConfig.targetWinRate } : {}),
        ...(onlineConfig.recoveryHours !== undefined ? { recoveryMs: onlineConfig.recoveryHours * 3_600_000 } : {}),
      }
    : undefined;
  let ai: ReturnType<typeof prepareAiRun> | undefined;
  let online: OnlineLearner | undefined;
  try {
    // With --strategy ai the ensemble's own learner is the session's online learner: it takes the config's options.
    ai = wantsAi > 0 ? prepareAiRun({}, input.risk, learnerOptions) : undefined;
    online = ai?.ensemble.learner;
    if (!online && learnerOptions) online = new Learner(learnerOptions);
  } catch (error) {
    throw new UsageError(`trading.learners: ${(error as Error).message}`);
  }
  const strategies = new Map<string, Strategy>();
  // Strategies after the first on a symbol vote beside it as primary sources of the same slot.
  const voters = new Map<string, SignalSource[]>();
  for (const symbol of input.symbols) {
    const [first, ...rest] = names.get(symbol) as string[];
    // The lifecycle's strategy is swapped in the slot when it changes, so it must be the slot's own (the first).
    if (rest.includes(LIFECYCLE_STRATEGY))
      throw new UsageError(
        `--strategy lifecycle must come first for ${symbol}: it is the slot's strategy, not a voter`,
      );
    const lifecycle = first === LIFECYCLE_STRATEGY ? input.lifecycle : undefined;
    if (first === LIFECYCLE_STRATEGY && !lifecycle)
      throw new UsageError("--strategy lifecycle needs the store's live strategy loaded first");
    strategies.set(symbol, ai ? ai.ensemble.technical : (lifecycle ?? loadTradeStrategy(first as string)));
    voters.set(
      symbol,
      rest.map((name) => strategySource(loadTradeStrategy(name))),
    );
  }
  const allocatorConfig = input.learners.find((l) => l.kind === "allocator");
  let allocator: RuntimeAllocator | undefined;
  if (allocatorConfig) {
    const { kind: _kind, ...options } = allocatorConfig;
    try {
      allocator = new RuntimeAllocator(
        input.symbols.map((symbol) => ({ symbol, strategy: (strategies.get(symbol) as Strategy).name })),
        equity,
        options,
      );
    } catch (error) {
      throw new UsageError(`trading.learners allocator: ${(error as Error).message}`);
    }
  }
  const memoryConfig = input.learners.find((l) => l.kind === "pattern-memory");
  let memory: PatternMemory | undefined;
  if (memoryConfig) {
    const { kind: _kind, ...options } = memoryConfig;
    try {
      memory = new PatternMemory(options);
    } catch (error) {
      throw new UsageError(`trading.learners pattern-memory: ${(error as Error).message}`);
    }
  }
  const barMs = TIMEFRAMES[input.timeframe];
  let session: TradingSession | undefined;
  const recorder = new LearningRecorder({
    strategyOf: (symbol) => strategies.get(symbol)?.name ?? "unknown",
    entryContext: (symbol, time) => {
      const slot = session?.engine.slots.find((s) => s.config.symbol === symbol);
      if (!slot) return { indicators: {} };
      const series = slot.series();
      // The decision bar: the last one that had closed when the entry filled.
      let index = series.length - 1;
      while (index >= 0 && (series.time[index] as number) + barMs > time) index--;
      if (index < 0) return { indicators: {} };
      const regime = session?.engine.snapshot(slot, index).regime;
      return {
        ...(regime !== undefined ? { regime } : {}),
        indicators: featureRecord(seriesFeaturesAt(series, index, barMs)),
      };
    },
    ...(memory
      ? {
          onRow: (row) =>
            memory.add({ vector: featureRow(row.indicators), win: row.outcome === "WIN", closedAt: row.time }),
        }
      : {}),
  });
  const learners: TradeLearner[] = [recorder];
  if (online) learners.push(online);
  if (allocator) learners.push(allocator);
  const aiStatus = (): AiStatus => ({
    ...(allocator ? { allocator: allocator.status() } : {}),
    ...(online
      ? {
          online: online.statuses().map((s) => ({
            strategy: s.strategy,
            blocked: s.blocked,
            ...(s.reason !== undefined ? { reason: s.reason } : {}),
            scale: s.scale,
            trades: s.trades,
          })),
        }
      : {}),
    ...(memory ? { patterns: memory.size } : {}),
  });
  const learning: SessionLearning = {
    learners,
    save: () => ({
      "learning-tables": recorder.save(),
      ...(online ? { "online-learner": online.save() } : {}),
      ...(allocator ? { allocator: allocator.save() } : {}),
    }),
    restore: (saved) => {
      if (saved === undefined) return;
      const state = saved as Record<string, unknown>;
      if (state["learning-tables"]) recorder.restore(state["learning-tables"] as LearningRecorderState);
      if (online && state["online-learner"]) online.restore(state["online-learner"] as OnlineLearnerState);
      if (allocator && state["allocator"])
        allocator.restore(state["allocator"] as Parameters<RuntimeAllocator["restore"]>[0]);
    },
    status: () => ({ ...aiStatus() }),
    drain: (close) => {
      recorder.tick(close);
      const rows = recorder.drain();
      return rows.trades.length + rows.performance.length > 0 ? rows : undefined;
    },
  };
  return {
    strategies,
    sourcesFor: (symbol) => {
      const strategy = strategies.get(symbol) as Strategy;
      const sources: SignalSource[] = ai ? ai.ensemble.sourcesFor(symbol) : [...(voters.get(symbol) ?? [])];
      // The slot's strategy at each vote: a lifecycle swap changes it while the session runs.
      if (online && !ai)
        sources.push(
          online.advisor(
            () => session?.engine.slots.find((s) => s.config.symbol === symbol)?.config.strategy.name ?? strategy.name,
          ),
        );
      if (allocator) sources.push(allocator.advisor(symbol));
      if (memory) sources.push(memory.advisor());
      return sources;
    },
    combiner: ai ? new DecisionCombiner(ai.ensemble.orchestrator.combinerOptions) : undefined,
    riskFor: (risk) => (ai ? (prepareAiRun({}, risk).risk as RiskConfig) : risk),
    loadPatterns: (rows) => {
      for (const row of rows)
        memory?.add({ vector: featureRow(row.indicators), win: row.outcome === "WIN", closedAt: row.time });
    },
    learning,
    attach: (s) => {
      session = s;
    },
    status: aiStatus,
    onlineLearner: online,
  };
}

/** A strategy by name, spec file or `ml:FILE` (bad input is a UsageError naming it). */
function loadTradeStrategy(name: string): Strategy {
  if (name.startsWith("ml:")) {
    // Imported here so that a session without a model never loads the XGBoost binding.
    return mlStrategy(name);
  }
  if (name.startsWith("dqn:")) return dqnStrategy(name);
  if (name.startsWith("leverage-dqn:")) {
    const loaded = leverageStrategies.get(name);
    if (!loaded) throw new UsageError("leverage-dqn strategies need `await loadMlSupport()` first");
    return loaded;
  }
  return loadStrategy(name);
}

let mlStrategy: (reference: string) => Strategy = () => {
  throw new UsageError("ml strategies need `await loadMlSupport()` first");
};
let dqnStrategy: (reference: string) => Strategy = () => {
  throw new UsageError("dqn strategies need `await loadMlSupport()` first");
};

/** Leverage agents by `--strategy` reference, loaded ahead (their funding series is read asynchronously). */
const leverageStrategies = new Map<string, Strategy>();

/**
 * Loads the model support some `--strategy` names: an ML model (`ml:FILE`), a trained DQN agent (`dqn:FILE`) or a
 * leverage agent (`leverage-dqn:FILE[?funding=FILE]`, which proposes a leverage per decision; the shield decides).
 */
export async function loadMlSupport(specs: readonly string[], retrain?: RetrainSettingsInput): Promise<void> {
  const named = (s: string) => (isModelReference(s) ? s : s.slice(s.indexOf("=") + 1).trim());
  if (specs.some((s) => named(s).startsWith("ml:"))) {
    const { mlStrategyOption } = await import("./train.js");
    const retrainDirs = new Set<string>();
    // `trading.retrain` (config): every ML strategy of the session is retrained with those settings.
    mlStrategy = (reference) => {
      const strategy = mlStrategyOption(reference, retrain);
      const dir = (strategy as { dir?: unknown }).dir;
      // Two slots retraining into one folder would overwrite each other's versions and schedule.
      if (typeof dir === "string") {
        if (retrainDirs.has(dir))
          throw new UsageError(
            `--strategy ${reference}: another slot already retrains into ${dir}; give each slot its own retrain dir (dir=)`,
          );
        retrainDirs.add(dir);
      }
      return strategy;
    };
  } else if (retrain !== undefined)
    console.error("note: trading.retrain is set but no ml: strategy runs in this session; it has no effect");
  if (specs.some((s) => named(s).startsWith("dqn:"))) dqnStrategy = (await import("./train-dqn.js")).dqnStrategyOption;
  for (const name of specs.map(named).filter((s) => s.startsWith("leverage-dqn:"))) {
    if (!leverageStrategies.has(name))
      leverageStrategies.set(name, await (await import("./train-dqn.js")).leverageDqnStrategyOption(name));
  }
}

/** A model reference, whose path may hold "=" (a query) and so is never read as SYMBOL=NAME. */
function isModelReference(spec: string): boolean {
  return spec.startsWith("ml:") || spec.startsWith("dqn:") || spec.startsWith("leverage-dqn:");
}

/**
 * `--strategy NAME` (repeatable) for every symbol, or `--strategy BTC/USDT=NAME` (repeatable) per symbol; a symbol
 * named with `=` trades only the strategies given for it. Several strategies on one symbol share one slot: the first
 * is the slot's strategy, the others vote beside it through the combiner (README, "Several strategies on one symbol").
 */
export function strategyNamesPerSymbol(specs: readonly string[], symbols: readonly string[]): Map<string, string[]> {
  const own = (s: string) => s.includes("=") && !isModelReference(s);
  const all = specs.filter((s) => !own(s)).map((s) => s.trim());
  const chosen = new Map<string, string[]>();
  for (const spec of specs.filter(own)) {
    const at = spec.indexOf("=");
    const key = spec.slice(0, at).trim().toUpperCase();
    const name = spec.slice(at + 1).trim();
    if (!symbols.includes(key)) throw new UsageError(`--strategy ${spec}: ${key} is not among --symbols`);
    if (name === "") throw new UsageError(`--strategy ${spec}: no strategy after "="`);
    chosen.set(key, [...(chosen.get(key) ?? []), name]);
  }
  for (const symbol of symbols) if (!chosen.has(symbol)) chosen.set(symbol, all.length > 0 ? all : ["sma-cross"]);
  for (const [symbol, list] of chosen) {
    const twice = list.find((name, i) => list.indexOf(name) !== i);
    if (twice !== undefined)
      throw new UsageError(`--strategy: ${twice} is given twice for ${symbol}; each strategy votes once per symbol`);
  }
  return chosen;
}

/**
 * The command line with `trading.slots` (YAML) in place of `--symbols` and `--strategy`: the slots apply only when
 * the command line names neither (the command line wins, whole, when it names either).
 */
export function withConfigSlots<T extends { symbols: string; strategy: string[]; symbolsGiven?: boolean }>(
  options: T,
  slots: readonly TradingSlot[] | undefined,
): T {
  if (!slots || options.symbolsGiven === true || options.strategy.length > 0) return options;
  const flags = slotsAsFlags(slots);
  return { ...options, symbols: flags.symbols.join(","), strategy: flags.strategy };
}

/** The status lines of the AI layer (empty when no learner runs). */
export function formatAiStatus(status: AiStatus): string[] {
  const lines: string[] = [];
  if (status.allocator) {
    const a = status.allocator;
    lines.push(
      `allocator  ${a.lines.map((l) => `${l.id} ${(l.capital * 100).toFixed(1)} % (×${l.scale.toFixed(2)})`).join(" · ")} — ${a.reason}`,
    );
  }
  for (const s of status.online ?? [])
    lines.push(
      `learner    ${s.strategy}: ${s.blocked ? `BLOCKED (${s.reason})` : Number.isNaN(s.scale) ? "trading" : `size ×${s.scale.toFixed(2)}`}, ${s.trades} trades in window`,
    );
  if (status.patterns !== undefined) lines.push(`patterns   ${status.patterns} past trades in memory`);
  return lines;
}

/** The AI lines of `aegis status`, from the learners' state saved with the session (no session needs to run). */
export function savedAiStatus(learners: Readonly<Record<string, unknown>> | undefined): AiStatus {
  const allocator = learners?.["allocator"] as RuntimeAllocatorState | undefined;
  const online = learners?.["online-learner"] as OnlineLearnerState | undefined;
  const ids = Object.keys(allocator?.capital ?? {});
  return {
    ...(allocator
      ? {
          allocator: {
            time: allocator.time,
            reason: allocator.reason,
            lines: ids.map((id) => ({
              id,
              capital: allocator.capital[id] ?? 0,
              scale: Math.min(1, (allocator.capital[id] ?? 0) * ids.length),
            })),
          },
        }
      : {}),
    ...(online
      ? {
          online: Object.entries(online.strategies).map(([strategy, s]) => ({
            strategy,
            blocked: s.reason !== null,
            ...(s.reason !== null ? { reason: s.reason } : {}),
            scale: Number.NaN,
            trades: s.health.pnl.length,
          })),
        }
      : {}),
  };
}
