/**
 * The values of the last `capacity` bars kept in sorted order, so that a percentile of the window is exact (no
 * sketch, no approximation) and costs one binary search plus one memmove per bar. The regime detector feeds it one
 * value per bar *after* reading the threshold, so the threshold at a bar depends on earlier bars only.
 */
export class RollingPercentile {
  readonly capacity: number;
  /** Insertion order (ring buffer), to know which value leaves the window. */
  readonly #ring: Float64Array;
  readonly #sorted: Float64Array;
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`rolling percentile: window must be an integer >= 2, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#ring = new Float64Array(capacity);
    this.#sorted = new Float64Array(capacity);
  }

  /** Number of values currently in the window. */
  get count(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count === this.capacity;
  }

  /** Adds a value, dropping the oldest one when the window is full. NaN is rejected: it has no rank. */
  push(value: number): void {
    if (Number.isNaN(value)) throw new RangeError("rolling percentile: cannot rank NaN");
    const sorted = this.#sorted;
    let count = this.#count;
    if (count === this.capacity) {
      const old = this.#ring[this.#next] as number;
      const at = lowerBound(sorted, count, old);
      sorted.copyWithin(at, at + 1, count);
      count--;
    }
    const at = lowerBound(sorted, count, value);
    sorted.copyWithin(at + 1, at, count);
    sorted[at] = value;
    this.#count = count + 1;
    this.#ring[this.#next] = value;
    this.#next = this.#next + 1 === this.capacity ? 0 : this.#next + 1;
  }

  /**
   * The `p`-th percentile (0..100) of the window, linearly interpolated between closest ranks (NumPy's default,
   * "linear"): rank = p / 100 × (count − 1). NaN when the window is empty.
   */
  percentile(p: number): number {
    const count = this.#count;
    if (count === 0) return Number.NaN;
    const rank = (Math.min(100, Math.max(0, p)) / 100) * (count - 1);
    const low = Math.floor(rank);
    const high = Math.min(count - 1, low + 1);
    const a = this.#sorted[low] as number;
    const b = this.#sorted[high] as number;
    return a + (b - a) * (rank - low);
  }

  reset(): void {
    this.#next = 0;
    this.#count = 0;
  }
}

/** First index in sorted[0, count) whose value is >= `value`. */
function lowerBound(sorted: Float64Array, count: number, value: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
