/**
 * The contract every indicator follows, in two forms with identical results:
 *
 * - **batch**: a function over typed arrays, returning arrays of the input's length with NaN during warm-up.
 *   TA-Lib's name in camelCase, TA-Lib's parameters and conventions (seeding, Wilder smoothing, first valid index).
 * - **streaming**: a class fed one closed bar at a time with `update`, returning the value at that bar (NaN during
 *   warm-up). `peek` answers "what would the value be if the still-forming bar closed at this input now?"
 *   without changing any state, so a live feed can show a forming bar tick by tick and then `update` it once closed.
 */

/** Input accepted by batch functions: a typed array is the fast path, a plain array is converted once. */
export type Numbers = Float64Array | readonly number[];

/** The bar fields that multi-input indicators read. Only the fields an indicator needs must be set. */
export interface BarInput {
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Bar open time in Unix ms; only session VWAP reads it. */
  time?: number;
}

export interface StreamingIndicator<In, Out> {
  /** Adds one closed bar; returns the value at that bar. */
  update(input: In): Out;
  /** The value if the forming bar closed at `input` now; does not change state. */
  peek(input: In): Out;
  /** Forgets all bars. */
  reset(): void;
}

export function toFloat64(values: Numbers): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

export function nanArray(length: number): Float64Array {
  return new Float64Array(length).fill(Number.NaN);
}

export function assertPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new RangeError(`${name}: period must be an integer >= ${min}, got ${period}`);
  }
}
