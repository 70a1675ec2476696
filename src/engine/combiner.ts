import type { RegimeLabel } from "../domain/regime.js";
import type { Action, Vote } from "../domain/signal.js";

export interface CombinedDecision {
  readonly action: Action;
  readonly confidence: number;
  readonly reason: string;
  /** Who vetoed and why; a veto blocks orders that open or grow a position, never exits or reductions. */
  readonly veto: string | undefined;
  /** Multiplier of the size of an opening order (advisors' scale, the orchestrator's sizing); 1 = as sized. */
  readonly sizeFactor: number;
  /** The primary sources that voted for the action ("a+b"): what orders, fills and trades are attributed to. */
  readonly sources: string;
  /**
   * Leverage proposed by the primaries that voted for the action (the lowest when several do); undefined: none
   * proposed one, the slot's leverage applies. The risk shield still decides.
   */
  readonly leverage?: number | undefined;
}

/** What the combiner may know about the bar besides the votes. */
export interface CombineContext {
  /** The regime detector's label at the decision bar, if it runs. */
  readonly regime?: RegimeLabel | undefined;
}

export interface CombinerOptions {
  /** Weight per source id; a source not named weighs 1. Weights apply to one vote as to many. */
  readonly weights?: Readonly<Record<string, number>>;
  /** The winning action needs at least this confidence (weighted share of the primaries' weight). */
  readonly threshold?: number;
  /** Size multiplier of a decision from its confidence and the regime (the orchestrator's sizing). */
  readonly sizing?: (
    confidence: number,
    context: CombineContext,
  ) => { readonly factor: number; readonly reason: string };
  /** Writes the decision's reason from the votes (the orchestrator's "Technical LONG + RL BUY …"). */
  readonly describe?: (votes: readonly Vote[], action: Action) => string;
}

const TRADE_ACTIONS = ["buy", "sell", "close"] as const;

/**
 * Weighs the votes of all signal sources on one symbol.
 *
 * - Abstentions (`abstained`: a source that had nothing to say, threw or missed its deadline) weigh nothing.
 * - Primary votes choose the action: each adds weight × confidence to its action (a `hold` adds only to the total);
 *   the best action's share of the primaries' weight is the confidence. Two actions with the same best score are a
 *   split: hold. Below `threshold` (or with no score at all, e.g. weight 0): hold.
 * - Advisors (the LLM, the online learner) can never choose an action: alone they are no trade. They may scale a
 *   decision down: a directional advisor vote joins the weighted average, which is then capped at the primaries'
 *   confidence (agreeing cannot raise it), and an explicit `scale` multiplies the size.
 * - A veto (any role) keeps the action but is reported in `veto`; the engine then drops only the orders that would
 *   open or grow a position, so an exit is never blocked.
 */
export class DecisionCombiner {
  readonly #weights: ReadonlyMap<string, number>;
  readonly #threshold: number;
  readonly #sizing: CombinerOptions["sizing"];
  readonly #describe: CombinerOptions["describe"];
  /** True when the sizing needs the regime, so the engine reads it only then. */
  readonly usesContext: boolean;
  readonly #options: CombinerOptions;

  constructor(options: CombinerOptions = {}) {
    this.#options = options;
    for (const [id, weight] of Object.entries(options.weights ?? {})) {
      if (!(weight >= 0) || !Number.isFinite(weight))
        throw new RangeError(`combiner: weight of ${id} must be a finite number >= 0, got ${weight}`);
    }
    const threshold = options.threshold ?? 0;
    if (!(threshold >= 0 && threshold <= 1))
      throw new RangeError(`combiner: threshold must be in [0, 1], got ${threshold}`);
    this.#weights = new Map(Object.entries(options.weights ?? {}));
    this.#threshold = threshold;
    this.#sizing = options.sizing;
    this.#describe = options.describe;
    this.usesContext = options.sizing !== undefined;
  }

  combine(votes: readonly Vote[], context: CombineContext = {}): CombinedDecision {
    // The common case (one rule-based strategy) without a map or a second pass; same result as the general path.
    if (votes.length === 1 && this.#sizing === undefined && this.#describe === undefined) {
      const v = votes[0] as Vote;
      if (v.abstained === undefined && !v.veto && v.role !== "advisor" && v.action !== "hold") {
        const weight = this.#weights.get(v.source) ?? 1;
        if (weight > 0 && v.confidence > 0 && v.confidence >= this.#threshold) {
          return {
            action: v.action,
            confidence: v.confidence,
            reason: v.reasons.join("; "),
            veto: undefined,
            sizeFactor: 1,
            sources: v.source,
            leverage: v.leverage,
          };
        }
      }
    }
    return this.#combineAll(votes, context);
  }

  #combineAll(votes: readonly Vote[], context: CombineContext): CombinedDecision {
    const scores = { buy: 0, sell: 0, close: 0 };
    let primaryWeight = 0;
    let veto: Vote | undefined;
    let scale = 1;
    for (const v of votes) {
      if (v.abstained !== undefined) continue;
      if (v.veto) veto ??= v;
      if (v.role === "advisor") {
        if (v.scale !== undefined) scale *= Math.min(1, Math.max(0, v.scale));
        continue;
      }
      if (v.veto) continue;
      const w = this.#weights.get(v.source) ?? 1;
      primaryWeight += w;
      if (v.action !== "hold") scores[v.action] += w * v.confidence;
    }
    let best: Action = "hold";
    let bestScore = 0;
    let split = false;
    for (const action of TRADE_ACTIONS) {
      const score = scores[action];
      if (score > bestScore) {
        best = action;
        bestScore = score;
        split = false;
      } else if (score === bestScore && score > 0) split = true;
    }
    const abstained = votes
      .filter((v) => v.abstained !== undefined)
      .map((v) => `${v.source} abstained: ${v.abstained}`);
    const vetoText = veto ? `vetoed by ${veto.source}: ${veto.reasons.join("; ")}` : undefined;
    if (split) {
      const text = TRADE_ACTIONS.filter((a) => scores[a] === bestScore).map((a) => `${a} ${bestScore.toFixed(3)}`);
      return hold(0, [`split vote (${text.join(" = ")}): hold`, ...abstained], vetoText);
    }
    let confidence = primaryWeight > 0 ? bestScore / primaryWeight : 0;
    if (best === "hold" || confidence < this.#threshold) {
      const why =
        best === "hold"
          ? "no primary source voted for a trade"
          : `confidence ${confidence.toFixed(3)} below the threshold ${this.#threshold}`;
      return hold(confidence, [why, ...abstained], vetoText);
    }
    confidence = Math.min(confidence, this.#advised(votes, best, bestScore, primaryWeight));
    const reasons: string[] = [];
    if (this.#describe) reasons.push(this.#describe(votes, best));
    else {
      for (const v of votes) {
        if (v.abstained === undefined && !v.veto && v.action === best)
          for (const r of v.reasons) reasons.push(`${v.source}: ${r}`);
      }
    }
    reasons.push(...abstained);
    let sizeFactor = scale;
    if (scale !== 1) reasons.push(`advisors scale the size × ${scale.toFixed(3)}`);
    if (this.#sizing) {
      const sized = this.#sizing(confidence, context);
      sizeFactor *= sized.factor;
      reasons.push(sized.reason);
    }
    if (vetoText) reasons.push(vetoText);
    const winners = votes.filter(
      (v) => v.abstained === undefined && !v.veto && v.role !== "advisor" && v.action === best,
    );
    const sources = winners.map((v) => v.source).join("+");
    let leverage: number | undefined;
    for (const v of winners) if (v.leverage !== undefined) leverage = Math.min(leverage ?? v.leverage, v.leverage);
    return { action: best, confidence, reason: reasons.join("; "), veto: vetoText, sizeFactor, sources, leverage };
  }

  /** The same combiner with more source weights (another part's sources, e.g. the LLM advisor beside the AI ensemble). */
  withWeights(weights: Readonly<Record<string, number>>): DecisionCombiner {
    return new DecisionCombiner({ ...this.#options, weights: { ...this.#options.weights, ...weights } });
  }
  /** The weighted average with directional advisors included: an opposing advisor lowers it, none can raise it. */
  #advised(votes: readonly Vote[], best: Action, bestScore: number, primaryWeight: number): number {
    let weight = primaryWeight;
    let score = bestScore;
    for (const v of votes) {
      if (v.role !== "advisor" || v.abstained !== undefined || v.veto || v.action === "hold") continue;
      const w = this.#weights.get(v.source) ?? 1;
      weight += w;
      if (v.action === best) score += w * v.confidence;
    }
    return weight > 0 ? score / weight : 0;
  }
}

function hold(confidence: number, reasons: readonly string[], veto: string | undefined): CombinedDecision {
  return {
    action: "hold",
    confidence,
    reason: [...reasons, ...(veto ? [veto] : [])].join("; "),
    veto,
    sizeFactor: 0,
    sources: "",
  };
}
