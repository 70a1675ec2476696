import { REGIMES, type RegimeLabel } from "../../domain/regime.js";
import type { Action, Vote } from "../../domain/signal.js";

/** The five kinds of source Algo Trading Lab's orchestrator weighs, in the order its reasoning names them. */
export const ORCHESTRATOR_ROLES = ["technical", "rl", "evolved", "online", "llm"] as const;
export type OrchestratorRole = (typeof ORCHESTRATOR_ROLES)[number];

export interface OrchestratorConfig {
  /** Share of each kind (seed: technical 30 %, RL 25 %, evolved 20 %, online learning 15 %, LLM 10 %). */
  readonly weights: Readonly<Record<OrchestratorRole, number>>;
  /** The source id that plays each kind. */
  readonly sourceIds: Readonly<Record<OrchestratorRole, string>>;
  /** Size multiplier per regime and for an unknown one (default: the risk config's regime-adjustment values). */
  readonly regimeFactors: Readonly<Record<RegimeLabel | "unknown", number>>;
  /** Minimum ensemble confidence to act (default 0). */
  readonly threshold?: number;
}

export const DEFAULT_ORCHESTRATOR: OrchestratorConfig = {
  weights: { technical: 0.3, rl: 0.25, evolved: 0.2, online: 0.15, llm: 0.1 },
  sourceIds: { technical: "atl-technical", rl: "rl", evolved: "evolved", online: "online-learner", llm: "llm" },
  regimeFactors: { bull: 1.2, bear: 0.8, crash: 0.3, sideways: 0.7, highVolatility: 0.5, unknown: 1 },
};

const LABEL: Record<OrchestratorRole, string> = {
  technical: "Technical",
  rl: "RL",
  evolved: "Evolved",
  online: "Online",
  llm: "LLM",
};

/** Kinds that may only veto or scale a decision down (architecture principle 2). */
const ADVISORS: ReadonlySet<OrchestratorRole> = new Set(["online", "llm"]);

const TECHNICAL_WORD: Record<Action, string> = { buy: "LONG", sell: "SHORT", close: "EXIT", hold: "FLAT" };

/** The combiner settings of the orchestrator, in the shape `new DecisionCombiner(options)` takes (engine layer). */
export interface OrchestratorCombinerOptions {
  readonly weights: Readonly<Record<string, number>>;
  readonly threshold?: number;
  readonly sizing: (
    confidence: number,
    context: { readonly regime?: RegimeLabel | undefined },
  ) => {
    readonly factor: number;
    readonly reason: string;
  };
  readonly describe: (votes: readonly Vote[], action: Action) => string;
}

export interface Orchestrator {
  readonly combinerOptions: OrchestratorCombinerOptions;
  /** Kinds with a source in this run, and kinds without one (their weight is spread over the rest). */
  readonly present: readonly OrchestratorRole[];
  readonly missing: readonly OrchestratorRole[];
  /** One line for reports: which kinds voted, with their effective shares. */
  readonly note: string;
}

/**
 * The AI orchestrator of the Algo Trading Lab seed as a combiner configuration. The weights are the seed's; a kind
 * that has no source in this run is left out and the others keep their proportions (its weight is renormalised
 * away, because confidence is a share of the weight that voted). Technical, RL and evolved sources are primaries;
 * the online learner and the LLM advise (veto, scale down), as principle 2 of the architecture demands. The size
 * of an entry is confidence × the regime's factor; the reason names each source's vote in the seed's words
 * ("Technical LONG + RL BUY + Evolved match + Healthy strategy").
 */
export function createOrchestrator(present: Iterable<OrchestratorRole>, config = DEFAULT_ORCHESTRATOR): Orchestrator {
  for (const role of ORCHESTRATOR_ROLES) {
    const w = config.weights[role];
    if (!(w >= 0) || !Number.isFinite(w))
      throw new RangeError(`orchestrator: weight of ${role} must be >= 0, got ${w}`);
  }
  for (const key of [...REGIMES, "unknown"] as const) {
    const f = config.regimeFactors[key];
    if (!(f >= 0) || !Number.isFinite(f))
      throw new RangeError(`orchestrator: regime factor ${key} must be >= 0, got ${f}`);
  }
  const here = new Set(present);
  const roleOf = new Map<string, OrchestratorRole>(ORCHESTRATOR_ROLES.map((r) => [config.sourceIds[r], r]));
  const weights: Record<string, number> = {};
  for (const role of ORCHESTRATOR_ROLES) weights[config.sourceIds[role]] = config.weights[role];
  const sizing = (confidence: number, context: { readonly regime?: RegimeLabel | undefined }) => {
    const regime = context.regime ?? "unknown";
    const factor = config.regimeFactors[regime];
    return {
      factor: confidence * factor,
      reason: `size × confidence ${confidence.toFixed(2)} × regime ${regime} ${factor} = ${(confidence * factor).toFixed(3)}`,
    };
  };
  const describe = (votes: readonly Vote[], action: Action): string => {
    const words: string[] = [];
    for (const role of ORCHESTRATOR_ROLES) {
      const vote = votes.find((v) => roleOf.get(v.source) === role);
      if (vote) words.push(describeVote(role, vote, action));
    }
    for (const v of votes) {
      if (!roleOf.has(v.source) && v.abstained === undefined) words.push(`${v.source} ${v.action.toUpperCase()}`);
    }
    return words.join(" + ");
  };
  const combinerOptions: OrchestratorCombinerOptions = {
    weights,
    sizing,
    describe,
    ...(config.threshold !== undefined ? { threshold: config.threshold } : {}),
  };
  const presentRoles = ORCHESTRATOR_ROLES.filter((r) => here.has(r));
  const missing = ORCHESTRATOR_ROLES.filter((r) => !here.has(r));
  // Primaries share the direction; advisors veto or scale down (their weight counts only for a directional vote).
  const primaries = presentRoles.filter((r) => !ADVISORS.has(r));
  const total = primaries.reduce((sum, r) => sum + config.weights[r], 0);
  const shares = presentRoles.map((r) =>
    ADVISORS.has(r)
      ? `${LABEL[r]} ${config.sourceIds[r]} (advisor)`
      : `${LABEL[r]} ${config.sourceIds[r]} ${total > 0 ? ((config.weights[r] / total) * 100).toFixed(0) : 0} %`,
  );
  const note = `present: ${shares.join(", ")}${missing.length > 0 ? `; missing (weights renormalised): ${missing.map((r) => LABEL[r]).join(", ")}` : ""}`;
  return { combinerOptions, present: presentRoles, missing, note };
}

function describeVote(role: OrchestratorRole, vote: Vote, action: Action): string {
  if (vote.abstained !== undefined) return `${LABEL[role]} abstained`;
  if (vote.veto) return `${LABEL[role]} veto`;
  switch (role) {
    case "technical":
      return `Technical ${TECHNICAL_WORD[vote.action]}`;
    case "rl":
      return `RL ${vote.action.toUpperCase()}`;
    case "evolved":
      return vote.action === action ? "Evolved match" : "Evolved no match";
    case "online":
      // The learner's reason starts with its verdict ("Healthy strategy (win rate …)").
      return (vote.reasons[0] ?? "Online learner").split(" (")[0] as string;
    case "llm":
      return vote.action === action || vote.action === "hold" ? "LLM agrees" : `LLM ${vote.action.toUpperCase()}`;
  }
}
