import type { CandleSeries } from "../../domain/candles.js";

/**
 * The stylized facts of a return series that the simulated market is tuned to match against real BTC: fat tails,
 * volatility clustering (long memory of |r|) and returns that are themselves unpredictable.
 */
export interface StylizedFacts {
  /** Number of log returns measured. */
  readonly returns: number;
  /** Standard deviation of the log returns. */
  readonly sigma: number;
  /** Kurtosis m4 / m2² of the log returns (3 for a normal distribution; not the excess over 3). */
  readonly kurtosis: number;
  /** Autocorrelation of the returns at lag 1 (near 0 on a liquid market). */
  readonly acfReturn1: number;
  /** Autocorrelation of |r| at lags 1, 24 and 168 bars (an hour, a day and a week of hourly bars). */
  readonly acfAbs1: number;
  readonly acfAbs24: number;
  readonly acfAbs168: number;
}

/** Log returns close to close; bars with a non-positive close on either side are skipped rather than giving ±∞. */
export function closeLogReturns(
  series: Pick<CandleSeries, "close" | "length">,
  from = 0,
  to = series.length,
): Float64Array {
  const out = new Float64Array(Math.max(0, to - from - 1));
  let n = 0;
  for (let i = from + 1; i < to; i++) {
    const previous = series.close[i - 1] as number;
    const current = series.close[i] as number;
    if (previous > 0 && current > 0) out[n++] = Math.log(current / previous);
  }
  return out.subarray(0, n);
}

/** Autocorrelation at `lag` around the sample mean, normalised by the full-sample variance (the usual estimator). */
export function autocorrelation(values: Float64Array, lag: number, mean = average(values)): number {
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - mean;
    denominator += d * d;
    if (i >= lag) numerator += d * ((values[i - lag] as number) - mean);
  }
  return denominator > 0 ? numerator / denominator : 0;
}

function average(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length > 0 ? sum / values.length : 0;
}

/** Measures the stylized facts of `returns` (log returns); needs at least 200 values for the weekly lag to mean anything. */
export function stylizedFacts(returns: Float64Array): StylizedFacts {
  if (returns.length < 200) throw new RangeError(`stylizedFacts needs at least 200 returns, got ${returns.length}`);
  const mean = average(returns);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < returns.length; i++) {
    const d = (returns[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= returns.length;
  m4 /= returns.length;
  const absolute = returns.map(Math.abs);
  const absoluteMean = average(absolute);
  return {
    returns: returns.length,
    sigma: Math.sqrt(m2),
    kurtosis: m4 / (m2 * m2),
    acfReturn1: autocorrelation(returns, 1, mean),
    acfAbs1: autocorrelation(absolute, 1, absoluteMean),
    acfAbs24: autocorrelation(absolute, 24, absoluteMean),
    acfAbs168: autocorrelation(absolute, 168, absoluteMean),
  };
}
