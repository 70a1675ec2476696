/**
 * Sum of the last `period` values for the volume-based indicators (rolling VWAP, volume ratio). Not exported from
 * the package index. Allocation-free per update.
 *
 * A running total drifts: every add/subtract rounds, and on a long live session the error would grow without
 * bound (badly so when volume dries up after a burst, leaving a residue of the big numbers). So each time the
 * ring wraps, the total is re-added from the window itself: O(1) amortised, and the error never spans more than
 * two windows. It also counts the non-zero values, so an all-zero window is recognised exactly.
 */
export class WindowSum {
  private readonly ring: Float64Array;
  private position = 0;
  private count = 0;
  private total = 0;
  private nonZero = 0;

  constructor(readonly period: number) {
    this.ring = new Float64Array(period);
  }

  /** True once `period` values have been added. */
  get full(): boolean {
    return this.count === this.period;
  }

  /** Sum of the last `period` values (meaningful once {@link full}). */
  get sum(): number {
    return this.total;
  }

  /** True when every value in the window is 0. */
  get allZero(): boolean {
    return this.nonZero === 0;
  }

  add(value: number): void {
    const ring = this.ring;
    const position = this.position;
    if (this.count === this.period) {
      const leaving = ring[position]!;
      this.total -= leaving;
      if (leaving !== 0) this.nonZero--;
    } else {
      this.count++;
    }
    ring[position] = value;
    this.total += value;
    if (value !== 0) this.nonZero++;
    if (position + 1 === this.period) {
      this.position = 0;
      let total = 0;
      for (let j = 0; j < ring.length; j++) total += ring[j]!;
      this.total = total;
    } else {
      this.position = position + 1;
    }
  }

  /** The window sum if `value` were added now (NaN if the window would not be full); changes nothing. */
  peekSum(value: number): number {
    if (this.count + 1 < this.period) return Number.NaN;
    const ring = this.ring;
    const position = this.position;
    if (position + 1 === this.period) {
      // add() would re-add the window here; do the same sum with the new value in its slot.
      let total = 0;
      for (let j = 0; j < position; j++) total += ring[j]!;
      return total + value;
    }
    const total = this.count === this.period ? this.total - ring[position]! : this.total;
    return total + value;
  }

  /** Whether the window would be all zero if `value` were added now; changes nothing. */
  peekAllZero(value: number): boolean {
    const leaving = this.count === this.period && this.ring[this.position]! !== 0 ? 1 : 0;
    return this.nonZero - leaving + (value !== 0 ? 1 : 0) === 0;
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
    this.total = 0;
    this.nonZero = 0;
  }
}
