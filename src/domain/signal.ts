/**
 * What a signal source says about one symbol at one bar. Technical rules, ML models, RL agents and the LLM all
 * speak this one language; the combiner weighs votes and the risk shield has the last word.
 */
export type Action = "buy" | "sell" | "hold" | "close";

export interface Vote {
  readonly source: string;
  readonly symbol: string;
  readonly action: Action;
  /** 0..1; how sure the source is. Rules vote with 1 unless they say otherwise. */
  readonly confidence: number;
  readonly reasons: readonly string[];
  /** A veto blocks every order that would open or grow a position; exits and reducing orders still go out. */
  readonly veto?: boolean;
  /** "primary" (default) may open a trade; an "advisor" may only veto or scale a decision down. */
  readonly role?: SourceRole;
  /** An advisor's size factor in [0, 1] for the decision (the online learner's confidence adjustment). */
  readonly scale?: number;
  /** Set when the source gave no opinion: why (it threw, missed its deadline, had no model). Counts for nothing. */
  readonly abstained?: string;
  /** The leverage a primary source proposes for the orders of the decision (an RL leverage agent). */
  readonly leverage?: number;
}

export type SourceRole = "primary" | "advisor";
