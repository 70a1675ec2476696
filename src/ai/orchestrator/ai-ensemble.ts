import type { RegimeLabel } from "../../domain/regime.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { SignalSource } from "../../strategy/signal-source.js";
import type { CompiledSpec } from "../../strategy/spec/compile.js";
import { OnlineLearner, type OnlineLearnerOptions } from "../online/online-learner.js";
import { createOrchestrator, DEFAULT_ORCHESTRATOR, type Orchestrator, type OrchestratorRole } from "./orchestrator.js";

export interface AiEnsembleOptions {
  /** Parameters of the technical strategy (atl-technical). */
  readonly parameters?: Record<string, number>;
  /** Size factor per regime; default the orchestrator's (the risk config's regime-adjustment defaults). */
  readonly regimeFactors?: Readonly<Record<RegimeLabel | "unknown", number>>;
  readonly learner?: OnlineLearnerOptions;
  /** Further sources by kind (RL agent, evolved strategy, LLM) as they are built; each joins its weight. */
  readonly sources?: Partial<Record<Exclude<OrchestratorRole, "technical" | "online">, EnsembleMember>>;
}

/** A source kind that joins the ensemble: its id (for weights and records) and one instance per symbol. */
export interface EnsembleMember {
  readonly id: string;
  create(symbol: string): SignalSource;
}

export interface AiEnsemble {
  /** The slot strategy: the technical source, Algo Trading Lab's built-in `atl-technical`. */
  readonly technical: CompiledSpec;
  readonly orchestrator: Orchestrator;
  readonly learner: OnlineLearner;
  /** Every closed trade goes to these (the online learner). */
  readonly learners: readonly OnlineLearner[];
  /** The sources that vote beside the technical strategy on one symbol. */
  sourcesFor(symbol: string): SignalSource[];
}

/**
 * `aegis backtest --strategy ai`: the orchestrated ensemble with the sources that exist today — the technical
 * strategy and the online learner (fed by every closed trade). Kinds not yet built (RL, evolved, LLM) are missing
 * and their weight is renormalised away; `orchestrator.note` says which were present.
 */
export function createAiEnsemble(options: AiEnsembleOptions = {}): AiEnsemble {
  const technical = loadStrategy("atl-technical", options.parameters ?? {});
  const ids = { ...DEFAULT_ORCHESTRATOR.sourceIds, technical: technical.name };
  const learner = new OnlineLearner(options.learner);
  const extra = Object.entries(options.sources ?? {}) as [OrchestratorRole, EnsembleMember][];
  const present: OrchestratorRole[] = ["technical", "online", ...extra.map(([role]) => role)];
  const orchestrator = createOrchestrator(present, {
    ...DEFAULT_ORCHESTRATOR,
    sourceIds: { ...ids, ...Object.fromEntries(extra.map(([role, member]) => [role, member.id])) },
    ...(options.regimeFactors ? { regimeFactors: options.regimeFactors } : {}),
  });
  return {
    technical,
    orchestrator,
    learner,
    learners: [learner],
    sourcesFor: (symbol) => [
      learner.advisor(technical.name),
      ...extra.map(([role, member]) => {
        const source = member.create(symbol);
        // Principle 2: an LLM may stop a trade, never start one.
        if (role === "llm" && source.role !== "advisor")
          throw new RangeError(`the LLM source ${source.id} must be an advisor, not a ${source.role}`);
        return source;
      }),
    ],
  };
}
