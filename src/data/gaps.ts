/**
 * Counting and filling missing bars. A market either trades around the clock ("24/7", crypto) or on weekdays only
 * ("weekdays", equities: no Saturday or Sunday bar, in UTC). Holidays are not known here, so an exchange holiday in
 * weekday data counts as a gap (a warning). For intraday equity bars the night is not known either and counts as a
 * gap; give such data a higher timeframe or expect those warnings.
 */

import type { CandleSeries } from "../domain/candles.js";
import { isoTime } from "./data-error.js";

export type SessionCalendar = "24/7" | "weekdays";

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Whether `timeMs` falls on a Saturday or Sunday (UTC). The Unix epoch was a Thursday. */
export function isWeekend(timeMs: number): boolean {
  const weekday = (((Math.floor(timeMs / DAY) + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

/**
 * "weekdays" when bars are daily or shorter, span at least a week and none falls on a weekend; "24/7" otherwise.
 */
export function detectCalendar(time: ArrayLike<number>, timeframeMs: number): SessionCalendar {
  const n = time.length;
  if (timeframeMs > DAY || n < 2 || (time[n - 1] as number) - (time[0] as number) < WEEK) return "24/7";
  for (let i = 0; i < n; i++) if (isWeekend(time[i] as number)) return "24/7";
  return "weekdays";
}

/** Number of k >= 1 with prev + k·step in [lo, hi). */
function slotsIn(prev: number, step: number, lo: number, hi: number): number {
  const first = Math.max(1, Math.ceil((lo - prev) / step));
  const end = Math.ceil((hi - prev) / step);
  return Math.max(0, end - first);
}

/**
 * Slots between `prev` and `next` where a bar is missing: prev + k·timeframe for k >= 1 that end by `next`
 * (so a bar stamped 06:01 after one at 05:00 is late, not a gap); weekend slots do not count on the "weekdays"
 * calendar, which only applies to timeframes up to 1d.
 */
export function missingBars(prev: number, next: number, timeframeMs: number, calendar: SessionCalendar): number {
  const all = Math.max(0, Math.floor((next - prev) / timeframeMs) - 1);
  if (all === 0 || calendar === "24/7" || timeframeMs > DAY) return all;
  // Half a step past the last slot: an exclusive bound that no rounding can move onto a slot.
  const end = prev + (all + 0.5) * timeframeMs;
  let weekend = 0;
  // One step per day is cheap even for the 6-year QQQ hole; one step per slot would not be for 1-minute bars.
  for (let day = Math.floor((prev + timeframeMs) / DAY); day * DAY < end; day++) {
    if (!isWeekend(day * DAY)) continue;
    weekend += slotsIn(prev, timeframeMs, Math.max(day * DAY, prev + timeframeMs), Math.min((day + 1) * DAY, end));
  }
  return all - weekend;
}

/** Calls `visit` with the open time of each missing bar between `prev` and `next`, in order (see `missingBars`). */
export function forEachMissingBar(
  prev: number,
  next: number,
  timeframeMs: number,
  calendar: SessionCalendar,
  visit: (timeMs: number) => void,
): void {
  const skipWeekends = calendar === "weekdays" && timeframeMs <= DAY;
  const all = Math.floor((next - prev) / timeframeMs) - 1;
  for (let k = 1; k <= all; k++) {
    const slot = prev + k * timeframeMs;
    if (!(skipWeekends && isWeekend(slot))) visit(slot);
  }
}

export interface GapSummary {
  /** Number of gaps (places where at least one bar is missing). */
  readonly count: number;
  /** Total bars missing over all gaps. */
  readonly missingBars: number;
  /** Bars missing in the largest gap (most missing bars; the first on a tie). */
  readonly largestMissingBars: number;
  /** Time from the bar before the largest gap to the bar after it, minus one bar: the span with no data. */
  readonly largestMs: number;
  /** Open time of the last bar before the largest gap; undefined when there is no gap. */
  readonly largestAt: number | undefined;
}

/**
 * Finds the gaps in ascending `time` (steps longer than one bar with at least one missing bar) and calls `onGap`
 * with the index of the bar after each gap and a description.
 */
export function findGaps(
  time: Float64Array,
  timeframeMs: number,
  calendar: SessionCalendar,
  onGap: (index: number, detail: string) => void,
): GapSummary {
  let count = 0;
  let total = 0;
  let largestMissingBars = 0;
  let largestMs = 0;
  let largestAt: number | undefined;
  for (let j = 1; j < time.length; j++) {
    const prev = time[j - 1] as number;
    const next = time[j] as number;
    if (next - prev <= timeframeMs) continue;
    const missing = missingBars(prev, next, timeframeMs, calendar);
    if (missing === 0) continue;
    count++;
    total += missing;
    if (missing > largestMissingBars) {
      largestMissingBars = missing;
      largestMs = next - prev - timeframeMs;
      largestAt = prev;
    }
    onGap(j, `${missing} missing bar${missing === 1 ? "" : "s"} between ${isoTime(prev)} and ${isoTime(next)}`);
  }
  return { count, missingBars: total, largestMissingBars, largestMs, largestAt };
}

/**
 * A copy of ascending `series` with every missing bar (see `missingBars`) added as a flat bar at the previous
 * close with volume 0. `missing` is the total that `findGaps` counted, used to size the arrays exactly.
 */
export function fillGaps(
  series: CandleSeries,
  timeframeMs: number,
  calendar: SessionCalendar,
  missing: number,
): CandleSeries {
  const length = series.length + missing;
  const out = {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
  let k = 0;
  const push = (t: number, o: number, h: number, l: number, c: number, v: number) => {
    out.time[k] = t;
    out.open[k] = o;
    out.high[k] = h;
    out.low[k] = l;
    out.close[k] = c;
    out.volume[k] = v;
    k++;
  };
  const { time, open, high, low, close, volume } = series;
  for (let j = 0; j < series.length; j++) {
    if (j > 0) {
      const flat = close[j - 1] as number;
      forEachMissingBar(time[j - 1] as number, time[j] as number, timeframeMs, calendar, (t) =>
        push(t, flat, flat, flat, flat, 0),
      );
    }
    push(
      time[j] as number,
      open[j] as number,
      high[j] as number,
      low[j] as number,
      close[j] as number,
      volume[j] as number,
    );
  }
  if (k !== length) throw new Error(`internal: filled ${k} bars, expected ${length}`);
  return { symbol: series.symbol, timeframe: series.timeframe, ...out, length };
}
