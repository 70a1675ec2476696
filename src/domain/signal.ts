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
  /** A veto turns the combined decision into hold (the LLM's only power over a trade). */
  readonly veto?: boolean;
}
