/**
 * Value at risk and conditional value at risk (expected shortfall) of a return series, two ways:
 * - historical: from the k = ceil(n × (1 − confidence)) worst returns: VaR is the loss of the k-th worst, CVaR the
 *   mean loss of those k (a tail of fewer than one observation gives n/a);
 * - parametric: a normal distribution with the sample mean μ and standard deviation σ (n − 1):
 *   VaR = z σ − μ and CVaR = σ φ(z) / (1 − confidence) − μ, z the standard normal quantile of the confidence.
 * Losses are positive fractions of equity (0.03 = the portfolio loses 3 % in one period); a negative value means
 * even the tail is a gain.
 */

/** Standard normal quantiles of the supported confidence levels. */
const Z: ReadonlyMap<number, number> = new Map([
  [0.95, 1.6448536269514722],
  [0.99, 2.3263478740408408],
]);

export const VAR_CONFIDENCES = [0.95, 0.99] as const;

export interface VarAtLevel {
  readonly confidence: number;
  readonly historicalVar: number | null;
  readonly historicalCvar: number | null;
  readonly parametricVar: number | null;
  readonly parametricCvar: number | null;
}

export interface ValueAtRisk {
  /** Number of returns the estimates come from. */
  readonly observations: number;
  readonly levels: readonly VarAtLevel[];
  /** Why an estimate is n/a. */
  readonly notes: readonly string[];
}

/** Fewer returns than this make even the parametric fit meaningless. */
const MIN_OBSERVATIONS = 20;

export function valueAtRisk(returns: ArrayLike<number>, confidences: readonly number[] = VAR_CONFIDENCES): ValueAtRisk {
  const n = returns.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(returns[i]!)) throw new RangeError(`value at risk: return[${i}] is ${returns[i]}`);
  }
  const sorted = Float64Array.from(returns).sort();
  const notes: string[] = [];
  const levels = confidences.map((confidence) => {
    const z = Z.get(confidence);
    if (z === undefined) {
      throw new RangeError(`value at risk: confidence ${confidence} unsupported; use ${[...Z.keys()].join(" or ")}`);
    }
    const label = `${confidence * 100} %`;
    if (n < MIN_OBSERVATIONS) {
      notes.push(`VaR/CVaR ${label}: n/a, only ${n} returns (minimum ${MIN_OBSERVATIONS})`);
      return { confidence, historicalVar: null, historicalCvar: null, parametricVar: null, parametricCvar: null };
    }
    const tail = Math.ceil(n * (1 - confidence) - 1e-9);
    const historical = historicalTail(sorted, tail, n, confidence);
    if (historical === undefined) {
      notes.push(
        `historical VaR/CVaR ${label}: n/a, ${n} returns leave less than one in the ${((1 - confidence) * 100).toFixed(0)} % tail (need ${Math.ceil(1 / (1 - confidence))})`,
      );
    }
    const { mean, std } = moments(sorted);
    const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
    return {
      confidence,
      historicalVar: historical?.var ?? null,
      historicalCvar: historical?.cvar ?? null,
      parametricVar: z * std - mean,
      parametricCvar: (std * density) / (1 - confidence) - mean,
    };
  });
  return { observations: n, levels, notes };
}

function historicalTail(
  sorted: Float64Array,
  tail: number,
  n: number,
  confidence: number,
): { var: number; cvar: number } | undefined {
  if (n * (1 - confidence) < 1 - 1e-9 || tail < 1) return undefined;
  let sum = 0;
  for (let i = 0; i < tail; i++) sum += sorted[i]!;
  return { var: -sorted[tail - 1]!, cvar: -sum / tail };
}

function moments(values: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (values.length - 1)) };
}
