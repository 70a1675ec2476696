/**
 * Rolling extremes over the last `period` values: batch for MAX/MIN and Donchian channels (close-in-range.ts fuses
 * the same batch algorithm into the stochastic and Williams %R), streaming for all five. Not exported from the
 * package index. Inputs are expected to be finite.
 *
 * TA-Lib rescans the window whenever its extreme leaves it: O(period) per bar in the worst case (a steady downtrend
 * for MAX). Both forms here are O(1) per bar and give TA-Lib's values exactly (a window's extreme is unique):
 * - batch: the van Herk / Gil-Werman block algorithm. The series is cut into blocks of `period` values; a window
 *   ending at i is the suffix of the previous block plus the prefix of i's block, so its extreme is the larger of a
 *   suffix extreme and a running prefix extreme: three comparisons per value and no data-dependent loop. Measured
 *   about 1.5× faster than a monotonic deque, whose pop loop branches on the data (mispredicts on price series).
 * - streaming: a monotonic deque in typed-array rings (O(1) amortised), which also answers `peek` in O(1).
 */
import { assertPeriod } from "./types.js";

/** Smallest power of two >= n, so ring positions wrap with a mask instead of a modulo. */
export function ringCapacity(n: number): number {
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  return capacity;
}

/**
 * Writes the rolling maximum of `src` over `period` values into `out` from index `period - 1` on; earlier indices
 * are left untouched. `out` must not alias `src`.
 */
export function rollingMaxInto(src: Float64Array, period: number, out: Float64Array): void {
  const n = src.length;
  if (n < period) return;
  let running = src[0]!;
  for (let i = 1; i < period; i++) running = Math.max(running, src[i]!);
  out[period - 1] = running;
  // suffix[period] is a neutral sentinel for the window that is exactly the current block.
  const suffix = new Float64Array(period + 1);
  suffix[period] = Number.NEGATIVE_INFINITY;
  for (let start = period; start < n; start += period) {
    // suffix[k] = max of the previous block from its k-th value to its end.
    const previous = start - period;
    let tail = src[start - 1]!;
    suffix[period - 1] = tail;
    for (let k = period - 2; k > 0; k--) {
      tail = Math.max(tail, src[previous + k]!);
      suffix[k] = tail;
    }
    const end = Math.min(start + period, n);
    running = src[start]!;
    for (let i = start, k = 1; i < end; i++, k++) {
      running = Math.max(running, src[i]!);
      out[i] = Math.max(suffix[k]!, running);
    }
  }
}

/** Like {@link rollingMaxInto}, for the rolling minimum. */
export function rollingMinInto(src: Float64Array, period: number, out: Float64Array): void {
  const n = src.length;
  if (n < period) return;
  let running = src[0]!;
  for (let i = 1; i < period; i++) running = Math.min(running, src[i]!);
  out[period - 1] = running;
  // suffix[period] is a neutral sentinel for the window that is exactly the current block.
  const suffix = new Float64Array(period + 1);
  suffix[period] = Number.POSITIVE_INFINITY;
  for (let start = period; start < n; start += period) {
    const previous = start - period;
    let tail = src[start - 1]!;
    suffix[period - 1] = tail;
    for (let k = period - 2; k > 0; k--) {
      tail = Math.min(tail, src[previous + k]!);
      suffix[k] = tail;
    }
    const end = Math.min(start + period, n);
    running = src[start]!;
    for (let i = start, k = 1; i < end; i++, k++) {
      running = Math.min(running, src[i]!);
      out[i] = Math.min(suffix[k]!, running);
    }
  }
}

/**
 * Streaming rolling maximum over `period` values (period >= 1), the building block of MaxStream/MinStream and of
 * Donchian/stochastic/Williams %R streams. Values and their bar numbers live in typed-array rings; no allocation
 * per update. `update` returns NaN until `period` values have been seen.
 */
export class WindowMax {
  private readonly values: Float64Array;
  private readonly bars: Float64Array;
  private readonly mask: number;
  private head = 0;
  private size = 0;
  private count = 0;

  constructor(readonly period: number) {
    assertPeriod("WindowMax", period, 1);
    const capacity = ringCapacity(period);
    this.mask = capacity - 1;
    this.values = new Float64Array(capacity);
    this.bars = new Float64Array(capacity);
  }

  update(x: number): number {
    const bar = this.count++;
    const mask = this.mask;
    if (this.size > 0 && this.bars[this.head]! <= bar - this.period) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    while (this.size > 0 && this.values[(this.head + this.size - 1) & mask]! <= x) this.size--;
    const slot = (this.head + this.size) & mask;
    this.values[slot] = x;
    this.bars[slot] = bar;
    this.size++;
    return this.count >= this.period ? this.values[this.head]! : Number.NaN;
  }

  peek(x: number): number {
    const bar = this.count;
    if (bar + 1 < this.period) return Number.NaN;
    let head = this.head;
    let size = this.size;
    // At most the front can have expired: every update removes the one index that leaves the window.
    if (size > 0 && this.bars[head]! <= bar - this.period) {
      head = (head + 1) & this.mask;
      size--;
    }
    if (size === 0) return x;
    const front = this.values[head]!;
    return Math.max(front, x);
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
    this.count = 0;
  }
}

/**
 * Streaming rolling minimum over `period` values (period >= 1): a {@link WindowMax} over negated values,
 * exact because negation is exact in floating point.
 */
export class WindowMin {
  private readonly window: WindowMax;

  constructor(readonly period: number) {
    this.window = new WindowMax(period);
  }

  update(x: number): number {
    return -this.window.update(-x);
  }

  peek(x: number): number {
    return -this.window.peek(-x);
  }

  reset(): void {
    this.window.reset();
  }
}
