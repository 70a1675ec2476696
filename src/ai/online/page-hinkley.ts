/**
 * Page-Hinkley test for a drop in the mean of a stream (Page 1954; Hinkley 1971; the form used by stream-learning
 * libraries such as river/MOA). With x̄ₜ the running mean, it accumulates
 *
 *   mₜ = Σ (x̄ᵢ − xᵢ − δ)        (grows while values fall below their running mean by more than δ)
 *   Mₜ = min over i ≤ t of mᵢ
 *
 * and signals a change when mₜ − Mₜ > λ. δ is the size of drop tolerated as noise, λ the evidence needed: a
 * larger λ means fewer false alarms and a later detection. After a detection the test starts over on what follows.
 */
export interface PageHinkleyOptions {
  /** Tolerated drop per observation (same unit as the values), default 0.005. */
  readonly delta?: number;
  /** Detection threshold λ, in the values' unit: set it for their scale (0.8 for trade returns of a few %). */
  readonly threshold: number;
  /** No detection before this many observations since the last reset (default 30). */
  readonly minSamples?: number;
}

export interface PageHinkleyState {
  readonly count: number;
  readonly mean: number;
  readonly sum: number;
  readonly min: number;
}

export class PageHinkley {
  readonly #delta: number;
  readonly #threshold: number;
  readonly #minSamples: number;
  #count = 0;
  #mean = 0;
  #sum = 0;
  #min = 0;

  constructor(options: PageHinkleyOptions) {
    const delta = options.delta ?? 0.005;
    const minSamples = options.minSamples ?? 30;
    if (!(delta >= 0) || !Number.isFinite(delta))
      throw new RangeError(`page-hinkley: delta must be >= 0, got ${delta}`);
    if (!(options.threshold > 0) || !Number.isFinite(options.threshold))
      throw new RangeError(`page-hinkley: threshold must be > 0, got ${options.threshold}`);
    if (!Number.isInteger(minSamples) || minSamples < 1)
      throw new RangeError(`page-hinkley: minSamples must be an integer >= 1, got ${minSamples}`);
    this.#delta = delta;
    this.#threshold = options.threshold;
    this.#minSamples = minSamples;
  }

  /** Observations since the last reset. */
  get count(): number {
    return this.#count;
  }

  /** The current statistic mₜ − Mₜ (detection when it exceeds the threshold). */
  get statistic(): number {
    return this.#sum - this.#min;
  }

  /** Adds one value; true when it completes a detected drop (the test has then been reset). */
  add(value: number): boolean {
    if (!Number.isFinite(value)) throw new RangeError(`page-hinkley: value must be finite, got ${value}`);
    this.#count++;
    this.#mean += (value - this.#mean) / this.#count;
    this.#sum += this.#mean - value - this.#delta;
    if (this.#sum < this.#min) this.#min = this.#sum;
    if (this.#count >= this.#minSamples && this.#sum - this.#min > this.#threshold) {
      this.reset();
      return true;
    }
    return false;
  }

  /** The running sums, for a restart to continue the test where it stopped. */
  save(): PageHinkleyState {
    return { count: this.#count, mean: this.#mean, sum: this.#sum, min: this.#min };
  }

  restore(state: PageHinkleyState): void {
    for (const [key, value] of Object.entries(state))
      if (!Number.isFinite(value)) throw new RangeError(`page-hinkley: saved ${key} is not a finite number`);
    this.#count = state.count;
    this.#mean = state.mean;
    this.#sum = state.sum;
    this.#min = state.min;
  }

  reset(): void {
    this.#count = 0;
    this.#mean = 0;
    this.#sum = 0;
    this.#min = 0;
  }
}
