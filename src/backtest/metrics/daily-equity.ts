import type { EquityCurve } from "../../domain/trade.js";

const DAY_MS = 86_400_000;

/**
 * Samples an equity curve at the last value of each UTC day that has a sample (label: that sample's time). Runs
 * that mix bar lengths (1h and 1d) or VaR, which is quoted per day, need one calendar: daily closes are the
 * common one. Days without a sample (weekends of an equity-only run) are skipped, not filled.
 */
export function dailyEquity(curve: EquityCurve): EquityCurve {
  const { time, equity } = curve;
  const n = time.length;
  let days = 0;
  for (let i = 0; i < n; i++) if (i === n - 1 || dayOf(time[i + 1]!) !== dayOf(time[i]!)) days++;
  const outTime = new Float64Array(days);
  const outEquity = new Float64Array(days);
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (i === n - 1 || dayOf(time[i + 1]!) !== dayOf(time[i]!)) {
      outTime[j] = time[i]!;
      outEquity[j] = equity[i]!;
      j++;
    }
  }
  return { time: outTime, equity: outEquity };
}

/** Simple returns between consecutive values; stops before the first value that is not positive. */
export function simpleReturns(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const base = values[i - 1]!;
    if (!(base > 0)) break;
    out.push(values[i]! / base - 1);
  }
  return Float64Array.from(out);
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
