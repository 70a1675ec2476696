import type { MetricsInput } from "./metrics.js";

/**
 * Checks a MetricsInput before any metric is computed: curve lengths agree, every equity value is finite, time
 * strictly increases, optional settings are in range and aligned arrays have the curve's length. Throws a
 * RangeError naming the field, index and value.
 */
export function validateMetricsInput(input: MetricsInput): void {
  const { time, equity } = input.equity;
  const n = equity.length;
  if (time.length !== n) throw new RangeError(`equity curve: time has ${time.length} values, equity has ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(equity[i]!)) throw new RangeError(`equity curve: equity[${i}] is ${equity[i]}`);
    if (!Number.isFinite(time[i]!)) throw new RangeError(`equity curve: time[${i}] is ${time[i]}`);
    if (i > 0 && !(time[i]! > time[i - 1]!)) {
      throw new RangeError(`equity curve: time[${i}] = ${time[i]} is not after time[${i - 1}] = ${time[i - 1]}`);
    }
  }
  requireNumber("initialCash", input.initialCash, (v) => v > 0, "a positive number");
  requireNumber("periodsPerYear", input.periodsPerYear, (v) => v > 0, "a positive number");
  requireNumber("riskFreeRate", input.riskFreeRate, (v) => v > -1, "a fraction above -1");
  requireNumber("minTradesForRatios", input.minTradesForRatios, (v) => v >= 0, "a count >= 0");
  requireNumber("minPeriodsForRatios", input.minPeriodsForRatios, (v) => v >= 0, "a count >= 0");
  requireNumber("extraFees", input.extraFees, () => true, "a finite number");
  requireNumber("extraFunding", input.extraFunding, () => true, "a finite number");
  if (input.inMarket !== undefined && input.inMarket.length !== n) {
    throw new RangeError(`inMarket has ${input.inMarket.length} values, the equity curve has ${n}`);
  }
  const close = input.benchmarkClose;
  if (close !== undefined) {
    if (close.length !== n)
      throw new RangeError(`benchmarkClose has ${close.length} values, the equity curve has ${n}`);
    for (let i = 0; i < n; i++) {
      if (!(close[i]! > 0) || close[i] === Number.POSITIVE_INFINITY) {
        throw new RangeError(`benchmarkClose[${i}] is ${close[i]}, expected a positive price`);
      }
    }
  }
}

function requireNumber(name: string, value: number | undefined, ok: (v: number) => boolean, expected: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || !ok(value)) throw new RangeError(`${name} is ${value}, expected ${expected}`);
}
