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

/**
 * Standard normal quantiles at the midpoints of 4096 equal-probability cells: `GAUSSIAN_TABLE[u * 4096 | 0]` with u
 * uniform is a Gaussian draw for one uniform and one load, clipped at ±3.7σ (the factors need its shape, not its
 * far tail). Drawing the factors' innovations this way instead of with the polar method keeps the bar loop about as
 * fast as it was before the factors existed.
 */
export const GAUSSIAN_TABLE_SIZE = 4096;
export const GAUSSIAN_TABLE: Float64Array = Float64Array.from({ length: GAUSSIAN_TABLE_SIZE }, (_, k) =>
  normalQuantile((k + 0.5) / GAUSSIAN_TABLE_SIZE),
);

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9), for 0 < p < 1. */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

const TABLE_VARIANCE = GAUSSIAN_TABLE.reduce((sum, x) => sum + x * x, 0) / GAUSSIAN_TABLE_SIZE;

/** ln E[exp(scale · X)] for X drawn from the table, exactly (the table's tail is not the Gaussian's). */
function tableLogMoment(scale: number): number {
  let sum = 0;
  for (let k = 0; k < GAUSSIAN_TABLE_SIZE; k++) sum += Math.exp(scale * (GAUSSIAN_TABLE[k] as number));
  return Math.log(sum / GAUSSIAN_TABLE_SIZE);
}

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
   * ln E[exp(sum of the factors)]: subtracting it from the sum makes E[exp(sum)] = 1, so the factors reshape
   * volatility over time but leave the long-run variance as configured. Exact for a factor drawn afresh each bar (one
   * table draw); for a persistent one, its state sums many draws and is Gaussian, so half its variance.
   */
  readonly meanCorrection: number;
}

export function factorCoefficients(factors: readonly VolatilityFactor[]): FactorCoefficients {
  const stride = new Int32Array(factors.length);
  const persistence = new Float64Array(factors.length);
  const innovationSd = new Float64Array(factors.length);
  const stationarySd = new Float64Array(factors.length);
  let correction = 0;
  factors.forEach((factor, j) => {
    // Half-life 0: a fresh draw every bar, i.e. a log-normal mix of the shocks (fatter tails, every moment finite).
    stride[j] = Math.max(1, Math.floor(factor.halfLifeBars / UPDATES_PER_HALF_LIFE));
    const phi = factor.halfLifeBars === 0 ? 0 : 0.5 ** ((stride[j] as number) / factor.halfLifeBars);
    const sd = 2 * factor.logSd; // ln σ² = 2 ln σ
    persistence[j] = phi;
    stationarySd[j] = sd;
    // Innovations are table draws of variance TABLE_VARIANCE (just under 1): scale so the factor's variance is sd².
    innovationSd[j] = (sd * Math.sqrt(1 - phi * phi)) / Math.sqrt(TABLE_VARIANCE);
    correction += phi === 0 ? tableLogMoment(innovationSd[j] as number) : (sd * sd) / 2;
  });
  return { stride, persistence, innovationSd, stationarySd, meanCorrection: correction };
}
