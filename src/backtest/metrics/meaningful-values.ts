import { METRIC_DEFINITIONS, type MetricKey, type MetricKind } from "./metric-definitions.js";

/**
 * Largest magnitude a metric of each kind can have and still describe a market: beyond it the value comes from
 * implausible input (a bar at 1e308) and printing it would mislead. Generous on purpose: a CAGR annualized over
 * four days may legitimately be 10^7; a return of 10^12 % is not a result, it is a symptom.
 */
const LIMITS: Readonly<Record<MetricKind, number>> = {
  percent: 1e10,
  ratio: 1e10,
  money: 1e15,
  count: 1e15,
  number: 1e15,
  duration: 1e15,
  timestamp: 8.64e15,
};

/** Tighter limits where the kind's is too loose: an annualized Sharpe or Sortino above 10,000 needs returns
 * thousands of standard deviations above zero on every bar, which no market gives. */
const KEY_LIMITS: Partial<Readonly<Record<MetricKey, number>>> = { sharpe: 1e4, sortino: 1e4 };

/**
 * Replaces every value that is not finite, or whose magnitude is beyond its kind's limit, by null (n/a) and
 * reports each with `note`, so the console, summary.json and the report never show NaN, Infinity or 5.5e303.
 */
export function dropMeaninglessValues(
  metrics: { [K in MetricKey]: number | null },
  note: (keys: readonly MetricKey[], reason: string) => void,
): void {
  for (const { key, kind } of METRIC_DEFINITIONS) {
    const value = metrics[key];
    if (value === null) continue;
    if (!Number.isFinite(value)) {
      metrics[key] = null;
      note([key], `the computed value is ${value}, not a number (check the data for implausible prices)`);
    } else if (Math.abs(value) > (KEY_LIMITS[key] ?? LIMITS[kind])) {
      metrics[key] = null;
      note(
        [key],
        `the computed value ${value.toExponential(2)} is beyond any meaningful magnitude (check the data for implausible prices)`,
      );
    }
  }
}
