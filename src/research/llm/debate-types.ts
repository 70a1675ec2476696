import type { StrategySpec } from "../../strategy/spec/schema.js";
import type { EvolutionSuggestion } from "./auditor.js";
import type { HoldoutVerdict, Judgement } from "./red-team.js";
import type { SelectionVerdict } from "./selection-gates.js";

/** One round of a debate, as stored and printed. Plain JSON: every number the verdict rests on is in it. */
export interface DebateRound {
  readonly round: number;
  /** Who proposed: the architect, or the hypothesis generator's idea. */
  readonly proposer: "architect" | "hypothesis";
  readonly rationale?: string;
  /** The model's failure when there was no usable answer (not JSON, off, down …). */
  readonly failure?: string;
  readonly spec?: StrategySpec;
  readonly specHash?: string;
  /** How far it got: no-answer, invalid, blacklisted, selection (failed there) or holdout (passed or failed there). */
  readonly stage: "no-answer" | Judgement["stage"];
  readonly verdict: "approved" | "rejected";
  readonly reasons: readonly string[];
  readonly selection?: SelectionVerdict;
  readonly holdout?: HoldoutVerdict;
  /** The red team's message to the proposer for the next round (absent after the last round or an approval). */
  readonly critique?: string;
}

export interface DebateTranscript {
  readonly kind: "architect" | "hypothesis";
  readonly symbol: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly suggestion?: EvolutionSuggestion;
  /** The hypothesis generator's idea this debate judged. */
  readonly idea?: string;
  readonly maxRounds: number;
  readonly rounds: readonly DebateRound[];
  readonly outcome: "approved" | "failed";
  /** Why the debate stopped. */
  readonly stoppedBecause: string;
  /** The surviving spec's lifecycle id (its hash), when it entered the lifecycle. */
  readonly survivor?: { readonly id: string; readonly name: string; readonly status: string };
  /** Spec hashes this debate blacklisted. */
  readonly blacklisted: readonly string[];
  /** Bars: selection [0, searchEnd), holdout [searchEnd, holdoutEnd), as open times. */
  readonly windows: { readonly search: readonly [number, number]; readonly holdout: readonly [number, number] };
  readonly fee: number;
  readonly trials: number;
}
