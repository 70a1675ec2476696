import { createRandom, type Random } from "../../domain/random.js";
import type { Constraint, ParamRange, SearchSpace } from "./search-space.js";

/** A finished trial: its parameters and its objective (higher is better; null = failed or pruned, worst). */
export interface Trial {
  readonly params: Readonly<Record<string, number>>;
  readonly value: number | null;
}

/** Proposes the next parameters from the trials so far. */
export interface Sampler {
  readonly name: string;
  suggest(history: readonly Trial[]): Record<string, number>;
}

export interface TpeOptions {
  readonly seed: number;
  /** Random trials before the model is used (Optuna's n_startup_trials default is 10). */
  readonly startup?: number;
  /** Fraction of trials that count as "good" (Bergstra et al. use 0.15–0.25). */
  readonly gamma?: number;
  /** Candidates drawn from l(x) per suggestion; the one with the best l(x)/g(x) wins (Optuna: 24). */
  readonly candidates?: number;
  readonly constraint?: Constraint;
}

/** Draws until the constraint holds (bounded: a space where it almost never holds is an error, not a hang). */
function drawValid(draw: () => Record<string, number>, constraint: Constraint | undefined): Record<string, number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const params = draw();
    if (!constraint || constraint(params)) return params;
  }
  throw new RangeError("the search space's constraints (e.g. fast < slow) reject almost every point; widen the ranges");
}

const toUnit = (value: number, r: ParamRange) => (value - r.low) / (r.high - r.low);
function fromUnit(u: number, r: ParamRange): number {
  const value = r.low + Math.min(1, Math.max(0, u)) * (r.high - r.low);
  return r.integer ? Math.round(value) : value;
}

/** Uniform sampling: the baseline the TPE has to beat. */
export class RandomSampler implements Sampler {
  readonly name = "random";
  readonly #random: Random;

  constructor(
    readonly space: SearchSpace,
    seed: number,
    readonly constraint?: Constraint,
  ) {
    this.#random = createRandom(seed);
  }

  suggest(): Record<string, number> {
    const names = Object.keys(this.space);
    return drawValid(
      () => Object.fromEntries(names.map((n) => [n, fromUnit(this.#random.next(), this.space[n] as ParamRange)])),
      this.constraint,
    );
  }
}

/**
 * A one-dimensional Parzen estimator on [0, 1]: a flat prior plus one Gaussian per observation, with Optuna's
 * bandwidth rule (the larger gap to the neighbouring observations, clipped so no kernel is needle-thin).
 */
class Parzen {
  readonly mus: number[];
  readonly sigmas: number[];

  constructor(points: readonly number[]) {
    const sorted = [...points].sort((a, b) => a - b);
    this.mus = sorted;
    const minSigma = 1 / Math.min(100, 1 + sorted.length);
    this.sigmas = sorted.map((mu, i) => {
      const left = i === 0 ? mu : mu - (sorted[i - 1] as number);
      const right = i === sorted.length - 1 ? 1 - mu : (sorted[i + 1] as number) - mu;
      return Math.min(1, Math.max(minSigma, left, right));
    });
  }

  /** Density at x of the mixture (prior weight = one kernel's), each kernel truncated to [0, 1]. */
  density(x: number): number {
    const k = this.mus.length + 1;
    let sum = 1; // the flat prior's density on [0, 1]
    for (let i = 0; i < this.mus.length; i++) {
      const mu = this.mus[i] as number;
      const sigma = this.sigmas[i] as number;
      const mass = normalCdf((1 - mu) / sigma) - normalCdf(-mu / sigma);
      sum += Math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
    }
    return sum / k;
  }

  sample(random: Random): number {
    const component = random.int(0, this.mus.length);
    if (component === this.mus.length) return random.next();
    const mu = this.mus[component] as number;
    const sigma = this.sigmas[component] as number;
    for (let attempt = 0; attempt < 100; attempt++) {
      const x = random.normal(mu, sigma);
      if (x >= 0 && x <= 1) return x;
    }
    return Math.min(1, Math.max(0, mu));
  }
}

/** Abramowitz–Stegun 7.1.26 through erf; ample for kernel normalization. */
function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * The Tree-structured Parzen Estimator (Bergstra et al., 2011), independent per dimension as in Optuna's default:
 * trials are split into the best γ and the rest, each side gets a Parzen density per parameter, and of
 * `candidates` draws from the good density the one maximizing l(x)/g(x) is proposed.
 */
export class TpeSampler implements Sampler {
  readonly name = "tpe";
  readonly #random: Random;
  readonly #uniform: RandomSampler;
  readonly #startup: number;
  readonly #gamma: number;
  readonly #candidates: number;

  constructor(
    readonly space: SearchSpace,
    readonly options: TpeOptions,
  ) {
    this.#random = createRandom(`tpe:${options.seed}`);
    this.#uniform = new RandomSampler(space, options.seed, options.constraint);
    this.#startup = options.startup ?? 10;
    this.#gamma = options.gamma ?? 0.25;
    this.#candidates = options.candidates ?? 24;
  }

  suggest(history: readonly Trial[]): Record<string, number> {
    if (history.length < this.#startup) return this.#uniform.suggest();
    // Failed and pruned trials rank last: they inform the "bad" density.
    const ranked = [...history].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
    const goodCount = Math.max(1, Math.min(25, Math.ceil(this.#gamma * ranked.length)));
    const good = ranked.slice(0, goodCount);
    const bad = ranked.slice(goodCount);
    const names = Object.keys(this.space);
    const models = names.map((name) => {
      const r = this.space[name] as ParamRange;
      return {
        name,
        range: r,
        good: new Parzen(good.map((t) => toUnit(t.params[name] as number, r))),
        bad: new Parzen(bad.map((t) => toUnit(t.params[name] as number, r))),
      };
    });
    let best: Record<string, number> | undefined;
    let bestScore = -Infinity;
    for (let c = 0; c < this.#candidates; c++) {
      const units = models.map((m) => m.good.sample(this.#random));
      const params = Object.fromEntries(models.map((m, i) => [m.name, fromUnit(units[i] as number, m.range)]));
      if (this.options.constraint && !this.options.constraint(params)) continue;
      let score = 0;
      models.forEach((m, i) => {
        score += Math.log(m.good.density(units[i] as number)) - Math.log(m.bad.density(units[i] as number));
      });
      if (score > bestScore) {
        bestScore = score;
        best = params;
      }
    }
    return best ?? this.#uniform.suggest();
  }
}
