/**
 * A simple moving average in TA-Lib's order of operations (running total: add the new value, divide, then
 * subtract the value leaving the window), for period >= 1. The stochastic smooths with it; batch and streaming
 * code both use it, so they agree bit for bit with each other and with TA-Lib. Not exported from the package
 * index. Allocation-free per update.
 */
export class RunningMean {
  private readonly window: Float64Array;
  private position = 0;
  private count = 0;
  private total = 0;

  constructor(readonly period: number) {
    this.window = new Float64Array(period);
  }

  /** Adds a value; returns the mean of the last `period` values, NaN while fewer have been added. */
  update(value: number): number {
    const period = this.period;
    const position = this.position;
    this.window[position] = value;
    this.position = position + 1 === period ? 0 : position + 1;
    if (this.count < period - 1) {
      this.count++;
      this.total += value;
      return Number.NaN;
    }
    const sum = this.total + value;
    // The oldest value of the window sits in the slot after the one just written.
    this.total = sum - this.window[this.position]!;
    return sum / period;
  }

  /** The mean if `value` were added now; changes nothing. */
  peek(value: number): number {
    if (this.count < this.period - 1) return Number.NaN;
    return (this.total + value) / this.period;
  }

  reset(): void {
    this.position = 0;
    this.count = 0;
    this.total = 0;
  }
}
