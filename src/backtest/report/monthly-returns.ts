import type { EquityCurve } from "../../domain/trade.js";

/** The return of one calendar month (UTC). `returnPct` is a fraction, like ClosedTrade.returnPct: 0.05 = +5 %. */
export interface MonthlyReturn {
  readonly year: number;
  /** 1 = January … 12 = December. */
  readonly month: number;
  readonly returnPct: number;
}

/** The return of one calendar year (UTC), a fraction; `months` counts the months with equity samples in it. */
export interface YearlyReturn {
  readonly year: number;
  readonly returnPct: number;
  readonly months: number;
}

interface PeriodEnd {
  readonly key: number;
  readonly equity: number;
}

/**
 * Calendar-month returns of an equity curve, in UTC. A month's return is its last equity sample divided by the
 * last sample of the previous month that has samples, minus 1; the first month is measured from the curve's first
 * sample. Samples are assigned to months by their time label (for bar-labelled equity: the bar's open time).
 * Months with no sample at all are absent rather than reported as 0 %; a month that starts from zero equity (a
 * blown account) reports 0. Throws on unsorted, non-finite or mismatched input.
 */
export function monthlyReturns(equity: EquityCurve): MonthlyReturn[] {
  return periodReturns(equity, calendarKey("month")).map((p) => ({
    year: Math.floor(p.key / 12),
    month: (p.key % 12) + 1,
    returnPct: p.returnPct,
  }));
}

/**
 * Calendar-year returns (UTC) by the same rule as monthlyReturns: last sample of the year vs last sample of the
 * previous year, the first year from the first sample. Equals the compounded monthly returns of that year.
 */
export function yearlyReturns(equity: EquityCurve): YearlyReturn[] {
  const months = monthlyReturns(equity);
  return periodReturns(equity, calendarKey("year")).map((p) => ({
    year: p.key,
    returnPct: p.returnPct,
    months: months.filter((m) => m.year === p.key).length,
  }));
}

/**
 * The UTC month (year × 12 + month) or year of a time. Remembers the bounds of the last period found, so that a
 * sorted curve makes one Date per period instead of one per sample (4 M samples: about 4 % of a `--out` run).
 */
function calendarKey(unit: "month" | "year"): (timeMs: number) => number {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let key = 0;
  return (timeMs) => {
    if (timeMs >= start && timeMs < end) return key;
    const date = new Date(timeMs);
    const year = date.getUTCFullYear();
    const month = unit === "month" ? date.getUTCMonth() : 0;
    key = unit === "month" ? year * 12 + month : year;
    start = Date.UTC(year, month, 1);
    end = unit === "month" ? Date.UTC(year, month + 1, 1) : Date.UTC(year + 1, 0, 1);
    return key;
  };
}

function periodReturns(curve: EquityCurve, keyOf: (timeMs: number) => number): { key: number; returnPct: number }[] {
  const ends = periodEnds(curve, keyOf);
  const out: { key: number; returnPct: number }[] = [];
  let previous = curve.equity[0] as number;
  for (const end of ends) {
    out.push({ key: end.key, returnPct: previous === 0 ? 0 : end.equity / previous - 1 });
    previous = end.equity;
  }
  return out;
}

function periodEnds(curve: EquityCurve, keyOf: (timeMs: number) => number): PeriodEnd[] {
  const { time, equity } = curve;
  if (time.length !== equity.length) {
    throw new RangeError(`equity curve has ${time.length} times but ${equity.length} equity values`);
  }
  const ends: PeriodEnd[] = [];
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number;
    const value = equity[i] as number;
    if (!Number.isFinite(t) || !Number.isFinite(value)) {
      throw new RangeError(`equity curve sample ${i} is not finite (time ${t}, equity ${value})`);
    }
    if (i > 0 && t < (time[i - 1] as number)) {
      throw new RangeError(`equity curve time goes backwards at sample ${i} (${time[i - 1]} then ${t})`);
    }
    const key = keyOf(t);
    const last = ends.at(-1);
    if (last !== undefined && last.key === key) ends[ends.length - 1] = { key, equity: value };
    else ends.push({ key, equity: value });
  }
  return ends;
}
