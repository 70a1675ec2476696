import { bootstrapExcessTest } from "./bootstrap-test.js";
import { normalCdf } from "./normal.js";

const DAY_MS = 86_400_000;

/**
 * Daily (UTC) returns of an equity curve: the last equity of each day over the last equity of the day before.
 * Two curves over the same bars give returns over the same days, which is what a paired test needs.
 */
export function dailyReturns(
  time: ArrayLike<number>,
  equity: ArrayLike<number>,
): { days: Float64Array; returns: Float64Array } {
  if (time.length !== equity.length)
    throw new RangeError(`equity has ${equity.length} values for ${time.length} times`);
  const days: number[] = [];
  const closes: number[] = [];
  for (let i = 0; i < time.length; i++) {
    const day = Math.floor((time[i] as number) / DAY_MS) * DAY_MS;
    if (days.length > 0 && days[days.length - 1] === day) closes[closes.length - 1] = equity[i] as number;
    else {
      days.push(day);
      closes.push(equity[i] as number);
    }
  }
  const returns = new Float64Array(Math.max(0, closes.length - 1));
  for (let k = 1; k < closes.length; k++) {
    const before = closes[k - 1] as number;
    returns[k - 1] = before > 0 ? (closes[k] as number) / before - 1 : 0;
  }
  return { days: Float64Array.from(days.slice(1)), returns };
}

export interface PairedSignificance {
  /** One-sided p-value of "the candidate's mean daily return is not above the live strategy's" (Diebold–Mariano). */
  readonly pValue: number;
  readonly method: "diebold-mariano";
  /** Mean of candidate − live daily returns. */
  readonly meanDifference: number;
  /** DM statistic: the mean difference over its Newey–West (Bartlett, `lag`) standard error. */
  readonly statistic: number;
  readonly lag: number;
  /** The same hypothesis by a stationary block bootstrap of the differences, reported beside it. */
  readonly bootstrapPValue: number;
  readonly days: number;
}

/**
 * Does a candidate beat the live strategy by more than chance, on their daily returns over the same days (after
 * fees)? A Diebold–Mariano test on the return differential: its autocovariances up to `lag` (default ⌊n^⅓⌋)
 * enter the variance with Bartlett weights, so serially correlated differences are not over-counted. Identical
 * return series have p = 1 (no evidence); a constant positive difference has p = 0.
 */
export function pairedSignificance(
  candidate: ArrayLike<number>,
  live: ArrayLike<number>,
  options: { lag?: number; seed?: number; resamples?: number; blockLength?: number } = {},
): PairedSignificance {
  const n = candidate.length;
  if (n !== live.length)
    throw new RangeError(`candidate has ${n} daily returns, live ${live.length}; they must cover the same days`);
  if (n < 10) throw new RangeError(`a paired test needs at least 10 days, got ${n}`);
  const lag = options.lag ?? Math.floor(Math.cbrt(n));
  if (!(Number.isInteger(lag) && lag >= 0 && lag < n))
    throw new RangeError(`lag must be a whole number in [0, ${n}), got ${lag}`);
  const d = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    d[i] = (candidate[i] as number) - (live[i] as number);
    mean += d[i] as number;
  }
  mean /= n;
  const autocovariance = (k: number) => {
    let s = 0;
    for (let i = k; i < n; i++) s += ((d[i] as number) - mean) * ((d[i - k] as number) - mean);
    return s / n;
  };
  let longRun = autocovariance(0);
  for (let k = 1; k <= lag; k++) longRun += 2 * (1 - k / (lag + 1)) * autocovariance(k);
  const se = Math.sqrt(Math.max(0, longRun) / n);
  const tiny = 1e-15 * Math.max(1e-300, Math.abs(mean));
  let statistic: number;
  if (se > tiny) statistic = mean / se;
  else statistic = mean > 0 ? Number.POSITIVE_INFINITY : mean < 0 ? Number.NEGATIVE_INFINITY : 0;
  const pValue =
    mean === 0 && se <= tiny ? 1 : Number.isFinite(statistic) ? 1 - normalCdf(statistic) : statistic > 0 ? 0 : 1;
  const bootstrap = bootstrapExcessTest(candidate, live, {
    seed: options.seed ?? 1,
    resamples: options.resamples ?? 2000,
    blockLength: options.blockLength ?? 5,
  });
  return {
    pValue,
    method: "diebold-mariano",
    meanDifference: mean,
    statistic,
    lag,
    bootstrapPValue: bootstrap.pValue,
    days: n,
  };
}
