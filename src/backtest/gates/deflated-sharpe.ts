import { normalCdf, normalQuantile } from "./normal.js";

const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of `trials` Sharpe ratios drawn with variance `variance` when every true Sharpe is zero
 * (Bailey & López de Prado 2014, "The Deflated Sharpe Ratio", eq. for SR0). Same units as the Sharpes (per bar).
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1) return 0;
  const a = normalQuantile(1 - 1 / trials);
  const b = normalQuantile(1 - 1 / (trials * Math.E));
  return Math.sqrt(Math.max(0, variance)) * ((1 - EULER_GAMMA) * a + EULER_GAMMA * b);
}

export interface DeflatedSharpeInput {
  /** Per-bar returns of the selected strategy, on the bars it is judged on. */
  readonly returns: ArrayLike<number>;
  /** How many strategies the search tried (distinct specs evaluated). */
  readonly trials: number;
  /** Variance of the per-bar Sharpe ratios of all trials (their spread sets the bar the winner must clear). */
  readonly trialSharpeVariance: number;
}

export interface DeflatedSharpe {
  /** Probability that the true Sharpe is above zero after correcting for the number of trials, skew and kurtosis. */
  readonly dsr: number;
  /** The winner's per-bar Sharpe and the per-bar Sharpe expected of the best of `trials` worthless strategies. */
  readonly sharpe: number;
  readonly benchmarkSharpe: number;
  readonly observations: number;
  readonly skewness: number;
  readonly kurtosis: number;
}

/**
 * The deflated Sharpe ratio: PSR(SR0) = Φ((SR − SR0)·√(T−1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)), with SR0 the
 * expected maximum Sharpe of `trials` zero-skill strategies. Per-bar (not annualized) Sharpes throughout.
 */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  const r = input.returns;
  const n = r.length;
  if (n < 3) throw new RangeError(`the deflated Sharpe ratio needs at least 3 returns, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i] as number;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (r[i] as number) - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const std = Math.sqrt(m2);
  const sharpe = std > 0 ? mean / std : 0;
  const skewness = std > 0 ? m3 / std ** 3 : 0;
  const kurtosis = std > 0 ? m4 / std ** 4 : 3;
  const benchmarkSharpe = expectedMaxSharpe(input.trials, input.trialSharpeVariance);
  const denominator = Math.sqrt(Math.max(1e-12, 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe));
  const dsr = std > 0 ? normalCdf(((sharpe - benchmarkSharpe) * Math.sqrt(n - 1)) / denominator) : 0;
  return { dsr, sharpe, benchmarkSharpe, observations: n, skewness, kurtosis };
}
