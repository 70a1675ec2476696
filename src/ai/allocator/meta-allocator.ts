/**
 * The meta-allocator (Algo Trading Lab seed, component 5): capital across strategies like a fund, from their
 * performance, with diversification bounds (min 5 %, max 40 % per strategy) and a daily risk budget (2 %).
 *
 * Method, for strategies i with per-period returns (a fraction of the capital given to them):
 * 1. Risk parity: rpᵢ ∝ 1/σᵢ (σ the sample standard deviation; a strategy with fewer than 2 returns or σ = 0 is
 *    given the mean σ of the others, so it is neither favoured nor starved).
 * 2. Sharpe tilt with shrinkage: the annualised Sharpe Sᵢ = μᵢ/σᵢ·√periodsPerYear is shrunk toward 0 by its
 *    sample size, S̃ᵢ = Sᵢ·nᵢ/(nᵢ + k) (k pseudo-observations of a zero-Sharpe prior), and tilts the weight by
 *    exp(γ·S̃ᵢ): rawᵢ ∝ rpᵢ·exp(γ·S̃ᵢ).
 * 3. Shrinkage toward equal weight: wᵢ = (1 − λ)·rawᵢ + λ/N with λ = k/(k + n̄), n̄ the mean sample size, so a
 *    short history allocates almost equally and a long one follows the data.
 * 4. Bounds: weights are clipped to [min, max] and the unclipped ones scaled in proportion until they sum to 1
 *    (with N·max < 1 each gets max and the rest stays in cash; N·min > 1 is refused).
 * 5. Daily risk budget: the allocation's daily risk is bounded by Σ wᵢ·σᵢ,day (exact for perfectly correlated
 *    strategies, an upper bound otherwise); above the budget every weight is scaled down and the rest is cash.
 */
export interface AllocatorOptions {
  /** Per strategy, as a share of capital (default 0.05). */
  readonly minWeight?: number;
  /** Per strategy, as a share of capital (default 0.40). */
  readonly maxWeight?: number;
  /** Maximum daily risk of the whole allocation, a fraction of capital (default 0.02). */
  readonly dailyRiskBudget?: number;
  /** γ, the strength of the Sharpe tilt (default 0.5: Sharpe +1 → ×1.65, −1 → ×0.61). */
  readonly sharpeTilt?: number;
  /** k, pseudo-observations of the shrinkage priors (default 30). */
  readonly shrinkage?: number;
  /** Return periods per year, for the Sharpe (default 365: daily returns). */
  readonly periodsPerYear?: number;
  /** Return periods per day, to turn σ into a daily risk (default 1: daily returns). */
  readonly periodsPerDay?: number;
}

export interface StrategyReturns {
  readonly id: string;
  readonly returns: readonly number[];
}

export interface AllocationLine {
  readonly id: string;
  /** Share of the strategy capital after bounds (the shares sum to 1, or less when N·max < 1). */
  readonly weight: number;
  /** Share of total capital after the risk budget: weight × deployed. */
  readonly capital: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly shrunkSharpe: number;
  readonly observations: number;
}

export interface Allocation {
  readonly lines: readonly AllocationLine[];
  /** Fraction of capital deployed (≤ 1); the rest stays in cash. */
  readonly deployed: number;
  /** Σ capitalᵢ·σᵢ,day: the allocation's daily risk bound after scaling. */
  readonly dailyRisk: number;
  /** λ, how far the weights were pulled toward equal. */
  readonly shrinkTowardEqual: number;
}

export function allocate(strategies: readonly StrategyReturns[], options: AllocatorOptions = {}): Allocation {
  const o = resolve(options);
  const n = strategies.length;
  if (n === 0) throw new RangeError("allocator: no strategies to allocate to");
  if (n * o.minWeight > 1 + 1e-12)
    throw new RangeError(
      `allocator: ${n} strategies cannot each get the minimum ${o.minWeight * 100} % (at most ${Math.floor(1 / o.minWeight)})`,
    );
  const ids = new Set<string>();
  for (const s of strategies) {
    if (ids.has(s.id)) throw new RangeError(`allocator: strategy ${s.id} appears twice`);
    ids.add(s.id);
    for (const r of s.returns)
      if (!Number.isFinite(r)) throw new RangeError(`allocator: ${s.id} has a non-finite return ${r}`);
  }
  const stats = strategies.map((s) => moments(s.returns));
  const valid = stats.filter((s) => s.sd > 0);
  const fallbackSd = valid.length > 0 ? valid.reduce((sum, s) => sum + s.sd, 0) / valid.length : 1;
  const sd = stats.map((s) => (s.sd > 0 ? s.sd : fallbackSd));
  const sharpe = stats.map((s, i) => (s.sd > 0 ? (s.mean / (sd[i] as number)) * Math.sqrt(o.periodsPerYear) : 0));
  const shrunk = sharpe.map((x, i) => (x * (stats[i] as Moments).n) / ((stats[i] as Moments).n + o.shrinkage));
  const raw = normalise(sd.map((v, i) => Math.exp(o.sharpeTilt * (shrunk[i] as number)) / v));
  const meanN = stats.reduce((sum, s) => sum + s.n, 0) / n;
  const lambda = o.shrinkage + meanN > 0 ? o.shrinkage / (o.shrinkage + meanN) : 1;
  const blended = raw.map((w) => (1 - lambda) * w + lambda / n);
  const weights = bound(blended, o.minWeight, o.maxWeight);
  const dailySd = sd.map((v) => v * Math.sqrt(o.periodsPerDay));
  const risk = weights.reduce((sum, w, i) => sum + w * (dailySd[i] as number), 0);
  const scale = risk > o.dailyRiskBudget ? o.dailyRiskBudget / risk : 1;
  return {
    lines: strategies.map((s, i) => ({
      id: s.id,
      weight: weights[i] as number,
      capital: (weights[i] as number) * scale,
      volatility: sd[i] as number,
      sharpe: sharpe[i] as number,
      shrunkSharpe: shrunk[i] as number,
      observations: (stats[i] as Moments).n,
    })),
    deployed: scale * weights.reduce((a, b) => a + b, 0),
    dailyRisk: risk * scale,
    shrinkTowardEqual: lambda,
  };
}

/**
 * Fits weights (summing to 1) into [min, max] keeping the unclipped ones in proportion: wᵢ' = clip(c·wᵢ, min, max)
 * with the one c that makes them sum to 1 (the sum grows with c, so bisection finds it). When even every weight
 * at `max` sums to less than 1, all get `max`.
 */
export function bound(weights: readonly number[], min: number, max: number): number[] {
  const at = (c: number) => weights.map((w) => Math.min(max, Math.max(min, c * w)));
  const sum = (c: number) => at(c).reduce((a, b) => a + b, 0);
  if (weights.length * max <= 1) return weights.map(() => max);
  let lo = 0;
  let hi = 1;
  while (sum(hi) < 1) hi *= 2;
  for (let k = 0; k < 200 && hi - lo > 1e-15 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (sum(mid) < 1) lo = mid;
    else hi = mid;
  }
  return at(hi);
}

export interface RebalanceCheck {
  readonly rebalance: boolean;
  /** Largest |current − target| over strategies, as a share of capital. */
  readonly drift: number;
  readonly reason: string;
}

/** Rebalance when any strategy's share drifted more than `threshold` (default 5 points) from its target. */
export function checkRebalance(
  current: Readonly<Record<string, number>>,
  target: Readonly<Record<string, number>>,
  threshold = 0.05,
): RebalanceCheck {
  if (!(threshold > 0 && threshold < 1))
    throw new RangeError(`allocator: rebalance threshold must be in (0, 1), got ${threshold}`);
  let drift = 0;
  let worst = "";
  for (const id of new Set([...Object.keys(current), ...Object.keys(target)])) {
    const d = Math.abs((current[id] ?? 0) - (target[id] ?? 0));
    if (d > drift) {
      drift = d;
      worst = id;
    }
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return drift > threshold
    ? { rebalance: true, drift, reason: `${worst} drifted ${pct(drift)} from its target, more than ${pct(threshold)}` }
    : { rebalance: false, drift, reason: `largest drift ${pct(drift)} is within ${pct(threshold)}` };
}

interface Moments {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
}

function moments(values: readonly number[]): Moments {
  const n = values.length;
  if (n === 0) return { n, mean: 0, sd: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: 0 };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, sd: Math.sqrt(variance) };
}

function normalise(values: readonly number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / total);
}

function resolve(options: AllocatorOptions): Required<AllocatorOptions> {
  const o: Required<AllocatorOptions> = {
    minWeight: options.minWeight ?? 0.05,
    maxWeight: options.maxWeight ?? 0.4,
    dailyRiskBudget: options.dailyRiskBudget ?? 0.02,
    sharpeTilt: options.sharpeTilt ?? 0.5,
    shrinkage: options.shrinkage ?? 30,
    periodsPerYear: options.periodsPerYear ?? 365,
    periodsPerDay: options.periodsPerDay ?? 1,
  };
  if (!(o.minWeight >= 0 && o.minWeight <= o.maxWeight && o.maxWeight <= 1))
    throw new RangeError(`allocator: need 0 <= minWeight <= maxWeight <= 1, got ${o.minWeight} and ${o.maxWeight}`);
  if (!(o.dailyRiskBudget > 0))
    throw new RangeError(`allocator: dailyRiskBudget must be > 0, got ${o.dailyRiskBudget}`);
  if (!(o.sharpeTilt >= 0)) throw new RangeError(`allocator: sharpeTilt must be >= 0, got ${o.sharpeTilt}`);
  if (!(o.shrinkage >= 0)) throw new RangeError(`allocator: shrinkage must be >= 0, got ${o.shrinkage}`);
  if (!(o.periodsPerYear > 0 && o.periodsPerDay > 0))
    throw new RangeError("allocator: periodsPerYear and periodsPerDay must be > 0");
  return o;
}
