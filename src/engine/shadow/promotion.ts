/**
 * When a shadow candidate may be proposed for promotion (AlphaWEEX's rule): at least `minIterations` steps in
 * shadow, a Sharpe above `minSharpe`, and above `liveRatio` × the live strategy's Sharpe over the same steps; and
 * a significance test against the live strategy (p-value below `alpha`) whenever one was run, or always with
 * `requireSignificance` (the lifecycle's promotion path sets it; the in-memory shadow engine has no paired daily
 * returns yet).
 */
export interface PromotionRule {
  readonly minIterations: number;
  readonly minSharpe: number;
  readonly liveRatio: number;
  /** The candidate-vs-live p-value must be below this. */
  readonly alpha: number;
  /** Without a p-value the candidate is not ready. */
  readonly requireSignificance: boolean;
}

export const DEFAULT_PROMOTION_RULE: PromotionRule = {
  minIterations: 100,
  minSharpe: 1.2,
  liveRatio: 1.1,
  alpha: 0.05,
  requireSignificance: false,
};

/**
 * A shadow candidate against the live account over the same steps: the one-sided p-value of "the shadow's mean
 * daily return is not above live's" (the paired test of the gates on daily returns, bootstrap beside it), or null
 * with the reason while there are too few whole days to test. Computed above this layer
 * (backtest/gates/shadow-significance.ts) and injected.
 */
export interface ShadowSignificance {
  readonly pValue: number | null;
  readonly bootstrapPValue: number | null;
  /** Daily returns compared (paired days). */
  readonly days: number;
  /** Why there is no p-value yet; absent when there is one. */
  readonly pending?: string;
}

/** The paired test over a candidate's stored equity beside the live account's, oldest first. */
export type ShadowSignificanceTest = (
  points: readonly { readonly time: number; readonly equity: number; readonly liveEquity: number }[],
) => ShadowSignificance;

export interface PromotionVerdict {
  readonly ready: boolean;
  /** Why, with the numbers: what the alert and the approval screen show. */
  readonly reason: string;
}

export function judgePromotion(
  observed: {
    iterations: number;
    sharpe: number | null;
    liveSharpe: number | null;
    /** One-sided p-value of the candidate against the live strategy (paired test, same days, after fees). */
    pValue?: number | null;
    /** Why there is no p-value yet (e.g. too few paired days), for the reason. */
    pending?: string;
  },
  rule: Partial<PromotionRule> = {},
): PromotionVerdict {
  const r = { ...DEFAULT_PROMOTION_RULE, ...rule };
  const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));
  if (observed.iterations < r.minIterations) {
    return { ready: false, reason: `${observed.iterations} of ${r.minIterations} shadow iterations` };
  }
  if (observed.sharpe === null || observed.sharpe <= r.minSharpe) {
    return { ready: false, reason: `shadow Sharpe ${fmt(observed.sharpe)} is not above ${r.minSharpe}` };
  }
  // A live Sharpe of n/a (no variance yet, e.g. flat) counts as 0: the shadow only has to clear the absolute bar.
  const live = observed.liveSharpe ?? 0;
  const bar = live > 0 ? r.liveRatio * live : live;
  if (observed.sharpe <= bar) {
    return {
      ready: false,
      reason: `shadow Sharpe ${fmt(observed.sharpe)} is not above ${r.liveRatio} × live Sharpe ${fmt(observed.liveSharpe)}`,
    };
  }
  const p = observed.pValue;
  if ((p === undefined || p === null) && r.requireSignificance) {
    return {
      ready: false,
      reason: `no significance test against the live strategy yet (its p-value is required)${observed.pending ? `: ${observed.pending}` : ""}`,
    };
  }
  if (p !== undefined && p !== null && !(p < r.alpha)) {
    return { ready: false, reason: `p-value ${p.toPrecision(3)} against live is not below alpha ${r.alpha}` };
  }
  const significance = p === undefined || p === null ? "" : `, p-value ${p.toPrecision(3)} < ${r.alpha} against live`;
  return {
    ready: true,
    reason: `shadow Sharpe ${fmt(observed.sharpe)} > ${r.minSharpe} and > ${r.liveRatio} × live ${fmt(observed.liveSharpe)} after ${observed.iterations} iterations${significance}`,
  };
}

/** What a ReturnTracker needs to continue after a restart. */
export interface ReturnTrackerState {
  readonly last: number | null;
  readonly count: number;
  readonly mean: number;
  readonly m2: number;
}

/** Per-step returns of an equity stream, summarized as an annualized Sharpe (Welford, constant memory). */
export class ReturnTracker {
  #last: number | undefined;
  #count = 0;
  #mean = 0;
  #m2 = 0;

  constructor(readonly periodsPerYear: number) {}

  /** Steps observed (equity values after the first). */
  get count(): number {
    return this.#count;
  }

  add(equity: number): void {
    if (this.#last !== undefined && this.#last > 0 && Number.isFinite(equity)) {
      const r = equity / this.#last - 1;
      this.#count++;
      const delta = r - this.#mean;
      this.#mean += delta / this.#count;
      this.#m2 += delta * (r - this.#mean);
    }
    this.#last = equity;
  }

  state(): ReturnTrackerState {
    return { last: this.#last ?? null, count: this.#count, mean: this.#mean, m2: this.#m2 };
  }

  load(state: ReturnTrackerState): void {
    this.#last = state.last ?? undefined;
    this.#count = state.count;
    this.#mean = state.mean;
    this.#m2 = state.m2;
  }

  sharpe(): number | null {
    if (this.#count < 2) return null;
    const sd = Math.sqrt(this.#m2 / (this.#count - 1));
    return sd > 0 ? (this.#mean / sd) * Math.sqrt(this.periodsPerYear) : null;
  }
}
