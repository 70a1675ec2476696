/**
 * The deterministic and slow parts of the simulated market's volatility: the intraday / weekly pattern and the
 * log-volatility factors that give volatility its long memory. Kept apart from the bar loop so that the loop only
 * reads precomputed tables and coefficients.
 */

const HOUR_MS = 3_600_000;
const HOURS_PER_WEEK = 168;
const WEEK_MS = HOURS_PER_WEEK * HOUR_MS;
/** The Unix epoch fell on a Thursday: hour-of-week 0 of the table below is Thursday 00:00 UTC. */
const EPOCH_WEEKDAY = 4;

/**
 * Mean |hourly return| of Binance BTC/USDT (2019–2026) is ~36 % above average in the 14:00 UTC bar (US open) and ~20 %
 * below it around 04:00–05:00; Saturdays run ~30 % and Sundays ~20 % below weekdays. A cosine over the day and a
 * factor per weekday reproduce that shape; the values are volatility (σ) multipliers, normalised below.
 */
const INTRADAY_AMPLITUDE = 0.22;
const INTRADAY_PEAK_HOUR = 14.5;
const WEEKDAY_FACTOR = [0.82, 1.06, 1.04, 1.06, 1.04, 1.06, 0.72]; // Sunday .. Saturday

/**
 * Variance multiplier for a bar by the hour of the week it starts in (index: `seasonIndex(time)`), averaged over the
 * hours the bar covers and normalised to mean 1 over the week, so that it moves volatility around the week without
 * changing its long-run level. Bars of a week or longer get 1 everywhere.
 */
export function seasonalVarianceTable(barMs: number, enabled: boolean): Float64Array {
  const table = new Float64Array(HOURS_PER_WEEK).fill(1);
  if (!enabled || barMs >= WEEK_MS) return table;
  const hourly = new Float64Array(HOURS_PER_WEEK);
  let sum = 0;
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    const weekday = (EPOCH_WEEKDAY + Math.floor(h / 24)) % 7;
    const hourOfDay = h % 24;
    const sigma =
      (WEEKDAY_FACTOR[weekday] as number) *
      (1 + INTRADAY_AMPLITUDE * Math.cos((2 * Math.PI * (hourOfDay + 0.5 - INTRADAY_PEAK_HOUR)) / 24));
    hourly[h] = sigma * sigma;
    sum += sigma * sigma;
  }
  const hoursPerBar = Math.max(1, Math.round(barMs / HOUR_MS));
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    let covered = 0;
    for (let k = 0; k < hoursPerBar; k++) covered += hourly[(h + k) % HOURS_PER_WEEK] as number;
    table[h] = covered / hoursPerBar / (sum / HOURS_PER_WEEK);
  }
  return table;
}

/** Hour of the week (0 = Thursday 00:00 UTC) in which `time` (Unix ms, may be negative) falls. */
export function seasonIndex(time: number): number {
  return Math.floor((((time % WEEK_MS) + WEEK_MS) % WEEK_MS) / HOUR_MS);
}

/** One slow factor of log volatility: an AR(1) with the given half-life and stationary standard deviation. */
export interface VolatilityFactor {
  /** Bars for a deviation to halve; 0 draws the factor afresh every bar. */
  readonly halfLifeBars: number;
  /** Stationary standard deviation of the factor's share of ln σ (0.3: σ typically within ×/÷ 1.35 of its level). */
  readonly logSd: number;
}

/**
 * A slow factor moves little from one bar to the next, so it is updated only every `stride` bars, exactly (the AR(1)
 * sampled every k bars is an AR(1) with persistence φ^k): one Gaussian draw per 1/64 of its half-life is plenty and
 * saves most of the factors' cost on long runs.
 */
const UPDATES_PER_HALF_LIFE = 64;

/** Coefficients of the factors of ln σ², ready for the bar loop. */
export interface FactorCoefficients {
  /** Bars between two updates of each factor. */
  readonly stride: Int32Array;
  /** AR(1) persistence of each factor per update. */
  readonly persistence: Float64Array;
  /** Standard deviation of each factor's Gaussian innovation per update (in ln σ² units). */
  readonly innovationSd: Float64Array;
  /** Stationary standard deviation of each factor (in ln σ² units), to draw the starting state. */
  readonly stationarySd: Float64Array;
  /**
   * Half the stationary variance of their sum: subtracting it from the sum makes E[exp(sum)] = 1 (the sum is
   * Gaussian), so the factors reshape volatility over time but leave the long-run variance exactly as configured.
   */
  readonly meanCorrection: number;
}

export function factorCoefficients(factors: readonly VolatilityFactor[]): FactorCoefficients {
  const stride = new Int32Array(factors.length);
  const persistence = new Float64Array(factors.length);
  const innovationSd = new Float64Array(factors.length);
  const stationarySd = new Float64Array(factors.length);
  let variance = 0;
  factors.forEach((factor, j) => {
    // Half-life 0: a fresh draw every bar, i.e. a log-normal mix of the shocks (fatter tails, every moment finite).
    stride[j] = Math.max(1, Math.floor(factor.halfLifeBars / UPDATES_PER_HALF_LIFE));
    const phi = factor.halfLifeBars === 0 ? 0 : 0.5 ** ((stride[j] as number) / factor.halfLifeBars);
    const sd = 2 * factor.logSd; // ln σ² = 2 ln σ
    persistence[j] = phi;
    stationarySd[j] = sd;
    innovationSd[j] = sd * Math.sqrt(1 - phi * phi);
    variance += sd * sd;
  });
  return { stride, persistence, innovationSd, stationarySd, meanCorrection: variance / 2 };
}
