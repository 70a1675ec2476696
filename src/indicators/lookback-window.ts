/**
 * The value `period` updates ago, for momentum-style streams (ROC, MOM). A typed-array ring; no allocation per
 * update. Not exported from the package index.
 */
export class LookbackWindow {
  private readonly ring: Float64Array;
  private position = 0;
  private count = 0;

  constructor(readonly period: number) {
    this.ring = new Float64Array(period);
  }

  /** The value `period` updates before the one about to be added, or NaN if there is none yet. */
  oldest(): number {
    return this.count < this.period ? Number.NaN : this.ring[this.position]!;
  }

  /** Adds a value, forgetting the oldest once `period` values are held. */
  push(value: number): void {
    this.ring[this.position] = value;
    this.position = this.position + 1 === this.period ? 0 : this.position + 1;
    if (this.count < this.period) this.count++;
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
  }
}
