/**
 * Streaming rolling extremes over the last `period` values, for MaxStream/MinStream and the Donchian, stochastic and
 * Williams %R streams (the batch forms are in rolling-extremes.ts). Not exported from the package index. Inputs are
 * expected to be finite.
 *
 * TA-Lib rescans the window whenever its extreme leaves it: O(period) per bar in the worst case (a steady downtrend
 * for MAX). Here a monotonic deque in typed-array rings gives O(1) amortised per bar and TA-Lib's values exactly (a
 * window's extreme is unique), and answers `peek` in O(1).
 */
import { assertPeriod } from "./types.js";

/** Smallest power of two >= n, so ring positions wrap with a mask instead of a modulo. */
export function ringCapacity(n: number): number {
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  return capacity;
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
