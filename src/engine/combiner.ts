import type { Action, Vote } from "../domain/signal.js";

export interface CombinedDecision {
  readonly action: Action;
  readonly confidence: number;
  readonly reason: string;
}

/**
 * Weighs the votes of all signal sources on one symbol. Each non-hold vote adds weight × confidence to its
 * action; the action with the largest score wins if it beats `threshold` (share of total weight). Any veto turns
 * the decision into hold: this is how an LLM may stop a trade but never start one. With a single source the
 * decision is its vote.
 */
export class DecisionCombiner {
  readonly #weights: ReadonlyMap<string, number>;
  readonly #threshold: number;

  constructor(weights: Record<string, number> = {}, threshold = 0) {
    this.#weights = new Map(Object.entries(weights));
    this.#threshold = threshold;
  }

  combine(votes: readonly Vote[]): CombinedDecision {
    if (votes.length === 1) {
      const v = votes[0] as Vote;
      if (v.veto) return { action: "hold", confidence: 0, reason: `vetoed by ${v.source}: ${v.reasons.join("; ")}` };
      return { action: v.action, confidence: v.confidence, reason: v.reasons.join("; ") };
    }
    const veto = votes.find((v) => v.veto);
    if (veto) return { action: "hold", confidence: 0, reason: `vetoed by ${veto.source}: ${veto.reasons.join("; ")}` };
    const scores = new Map<Action, number>();
    let total = 0;
    for (const v of votes) {
      const w = this.#weights.get(v.source) ?? 1;
      total += w;
      if (v.action !== "hold") scores.set(v.action, (scores.get(v.action) ?? 0) + w * v.confidence);
    }
    let best: Action = "hold";
    let bestScore = 0;
    for (const [action, score] of scores) {
      if (score > bestScore) {
        best = action;
        bestScore = score;
      }
    }
    const confidence = total > 0 ? bestScore / total : 0;
    if (best === "hold" || confidence <= this.#threshold) {
      return { action: "hold", confidence, reason: `no action above threshold ${this.#threshold}` };
    }
    const reasons = votes.filter((v) => v.action === best).flatMap((v) => v.reasons.map((r) => `${v.source}: ${r}`));
    return { action: best, confidence, reason: reasons.join("; ") };
  }
}
