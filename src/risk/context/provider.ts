import { formatInstant, formatSpan } from "./time.js";

/** One point of a context series: its value and the instant (Unix ms) from which it could be known. */
export interface Observation<T> {
  readonly value: T;
  readonly time: number;
}

/**
 * A point-in-time source of market context (index closes, exchange inflows, a sentiment index). `at(time)` returns
 * the latest observation known at `time` — never a later one, so a backtest cannot look ahead — or `undefined` when
 * there is none: before the first point, or when the latest is older than the provider's staleness limit (a feed
 * that stopped is not data).
 */
export interface ContextProvider<T> {
  readonly name: string;
  at(time: number): Observation<T> | undefined;
  /**
   * Every observation known in (after, through], oldest first, staleness ignored. Lets a layer see each point once
   * even when it is asked less often than the data changes. Optional: a live feed may only know its latest value.
   */
  between?(after: number, through: number): readonly Observation<T>[];
  /** Why `at(time)` has nothing, for a decision's reason ("last point 2024-03-08 21:00 is 39h old, limit 2h"). */
  missing?(time: number): string;
}

export interface PointSeriesOptions {
  /** Observations older than this (ms) at the asked time are stale: `at` returns undefined. Default: no limit. */
  readonly maxAgeMs?: number;
}

/**
 * A provider over a sorted array of points, looked up by binary search. Times must be strictly increasing (the
 * constructor checks: two values for one instant, or disorder, mean the data cannot be trusted point-in-time).
 */
export class PointSeriesProvider<T> implements ContextProvider<T> {
  readonly name: string;
  readonly maxAgeMs: number;
  readonly #time: Float64Array;
  readonly #value: readonly T[];

  constructor(name: string, time: Float64Array, value: readonly T[], options: PointSeriesOptions = {}) {
    if (time.length !== value.length) {
      throw new RangeError(`${name}: ${time.length} times but ${value.length} values`);
    }
    for (let i = 0; i < time.length; i++) {
      const t = time[i] as number;
      if (!Number.isFinite(t)) throw new RangeError(`${name}: point ${i} has time ${t}, not a finite Unix ms`);
      if (i > 0 && !(t > (time[i - 1] as number))) {
        const what = t === time[i - 1] ? "duplicate" : "unsorted";
        throw new RangeError(
          `${name}: point ${i} at ${formatInstant(t)} is ${what} (previous ${formatInstant(time[i - 1] as number)}); times must strictly increase`,
        );
      }
    }
    const maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
    if (!(maxAgeMs > 0)) throw new RangeError(`${name}: maxAgeMs must be > 0, got ${maxAgeMs}`);
    this.name = name;
    this.maxAgeMs = maxAgeMs;
    this.#time = time;
    this.#value = value;
  }

  get length(): number {
    return this.#time.length;
  }

  at(time: number): Observation<T> | undefined {
    const i = lastAtOrBefore(this.#time, time);
    if (i < 0) return undefined;
    const t = this.#time[i] as number;
    if (time - t > this.maxAgeMs) return undefined;
    return { value: this.#value[i] as T, time: t };
  }

  between(after: number, through: number): readonly Observation<T>[] {
    const out: Observation<T>[] = [];
    const last = lastAtOrBefore(this.#time, through);
    for (let i = lastAtOrBefore(this.#time, after) + 1; i <= last; i++) {
      out.push({ value: this.#value[i] as T, time: this.#time[i] as number });
    }
    return out;
  }

  missing(time: number): string {
    if (this.#time.length === 0) return `${this.name} has no points`;
    const i = lastAtOrBefore(this.#time, time);
    if (i < 0) return `${this.name} starts at ${formatInstant(this.#time[0] as number)}`;
    const t = this.#time[i] as number;
    if (time - t > this.maxAgeMs) {
      return `${this.name} last point ${formatInstant(t)} is ${formatSpan(time - t)} old, limit ${formatSpan(this.maxAgeMs)}`;
    }
    return `${this.name} has data`;
  }
}

/** An in-memory provider from `{ time, value }` points (sorted by time), for tests and for feeds held in memory. */
export function memoryProvider<T>(
  name: string,
  points: readonly Observation<T>[],
  options: PointSeriesOptions = {},
): PointSeriesProvider<T> {
  return new PointSeriesProvider(
    name,
    Float64Array.from(points, (p) => p.time),
    points.map((p) => p.value),
    options,
  );
}

/** Index of the last element <= `time` in a strictly increasing array; -1 when every element is later. */
export function lastAtOrBefore(time: Float64Array, at: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
