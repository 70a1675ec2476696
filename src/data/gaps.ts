/**
 * Counting and filling missing bars. Which bars a file should have comes from an exchange calendar (see
 * calendar/exchange-calendar.ts): "24/7" (crypto), "weekdays" (no Saturday or Sunday bar, in UTC) or "nyse"
 * (weekdays without NYSE holidays; intraday bars only during the 09:30–16:00 New York session). On "weekdays" an
 * exchange holiday counts as a gap (a warning), and so does the night of intraday equity bars: give such data the
 * "nyse" calendar.
 */

import type { CandleSeries } from "../domain/candles.js";
import { ALWAYS_OPEN, calendarByName, type ExchangeCalendar } from "./calendar/exchange-calendar.js";
import { nyseSpecialDays } from "./calendar/nyse-holidays.js";
import { isoTime } from "./data-error.js";

export type SessionCalendar = "24/7" | "weekdays" | "nyse";

/** Time span [from, to] (Unix ms, both inclusive) that gap warnings are about, e.g. a backtest's traded range. */
export interface TimeRange {
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Whether `timeMs` falls on a Saturday or Sunday (UTC). The Unix epoch was a Thursday. */
export function isWeekend(timeMs: number): boolean {
  const weekday = (((Math.floor(timeMs / DAY) + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

/**
 * "nyse" for daily bars that span at least a week, never fall on a weekend and are absent on at least 90 % of the
 * NYSE holidays in their range (at least two of them); "weekdays" for such data otherwise (and for intraday
 * weekday data, whose session hours are not guessed); "24/7" for everything else.
 */
export function detectCalendar(time: ArrayLike<number>, timeframeMs: number): SessionCalendar {
  const n = time.length;
  if (timeframeMs > DAY || n < 2 || (time[n - 1] as number) - (time[0] as number) < WEEK) return "24/7";
  for (let i = 0; i < n; i++) if (isWeekend(time[i] as number)) return "24/7";
  if (timeframeMs !== DAY) return "weekdays";
  const first = time[0] as number;
  const last = time[n - 1] as number;
  const days = new Set<number>();
  for (let i = 0; i < n; i++) days.add(Math.floor((time[i] as number) / DAY));
  let holidays = 0;
  let traded = 0;
  for (let year = new Date(first).getUTCFullYear(); year <= new Date(last).getUTCFullYear(); year++) {
    for (const special of nyseSpecialDays(year)) {
      const at = special.day * DAY;
      if (special.kind !== "holiday" || at < first || at > last || isWeekend(at)) continue;
      holidays++;
      if (days.has(special.day)) traded++;
    }
  }
  return holidays >= 2 && traded <= holidays * 0.1 ? "nyse" : "weekdays";
}

/** Number of k >= 1 with prev + k·step in [lo, hi). */
function slotsIn(prev: number, step: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 0;
  const first = Math.max(1, Math.ceil((lo - prev) / step));
  const end = Math.ceil((hi - prev) / step);
  return Math.max(0, end - first);
}

function calendarOf(calendar: SessionCalendar | ExchangeCalendar): ExchangeCalendar {
  return typeof calendar === "string" ? calendarByName(calendar) : calendar;
}

/**
 * Where on UTC day `day` a bar of `timeframeMs` may open: the whole day on a full-day calendar, else any bar that
 * overlaps the session ([open − timeframe, close) exclusive at the start), so a 1h bar stamped 09:00 that holds
 * the 09:30 open counts. Undefined on a day without trading.
 */
function barWindow(calendar: ExchangeCalendar, day: number, timeframeMs: number): [number, number] | undefined {
  const session = calendar.session(day);
  if (session === undefined) return undefined;
  if (calendar.fullDays || timeframeMs >= DAY) return [day * DAY, (day + 1) * DAY];
  return [session.open - timeframeMs + 1, session.close];
}

/**
 * Slots between `prev` and `next` where a bar is missing: prev + k·timeframe for k >= 1 that end by `next`
 * (so a bar stamped 06:01 after one at 05:00 is late, not a gap) and that the calendar expects (it only applies to
 * timeframes up to 1d). With `range`, only slots that open inside it count.
 */
export function missingBars(
  prev: number,
  next: number,
  timeframeMs: number,
  calendar: SessionCalendar | ExchangeCalendar,
  range: TimeRange = {},
): number {
  const all = Math.max(0, Math.floor((next - prev) / timeframeMs) - 1);
  if (all === 0) return 0;
  // Half a step past the last slot: an exclusive bound that no rounding can move onto a slot.
  const lo = Math.max(prev + timeframeMs, range.from ?? Number.NEGATIVE_INFINITY);
  const end = Math.min(
    prev + (all + 0.5) * timeframeMs,
    range.to === undefined ? Number.POSITIVE_INFINITY : range.to + 1,
  );
  if (!(end > lo)) return 0;
  const cal = calendarOf(calendar);
  if (cal === ALWAYS_OPEN || timeframeMs > DAY) return slotsIn(prev, timeframeMs, lo, end);
  let expected = 0;
  // One step per day is cheap even for the 6-year QQQ hole; one step per slot would not be for 1-minute bars.
  for (let day = Math.floor(lo / DAY) - 1; day * DAY < end + DAY; day++) {
    const window = barWindow(cal, day, timeframeMs);
    if (window === undefined) continue;
    expected += slotsIn(prev, timeframeMs, Math.max(window[0], lo), Math.min(window[1], end));
  }
  return expected;
}

/** Calls `visit` with the open time of each missing bar between `prev` and `next`, in order (see `missingBars`). */
export function forEachMissingBar(
  prev: number,
  next: number,
  timeframeMs: number,
  calendar: SessionCalendar | ExchangeCalendar,
  visit: (timeMs: number) => void,
): void {
  const cal = calendarOf(calendar);
  const all = Math.floor((next - prev) / timeframeMs) - 1;
  for (let k = 1; k <= all; k++) {
    const slot = prev + k * timeframeMs;
    if (isBarExpected(cal, slot, timeframeMs)) visit(slot);
  }
}

/** Whether the calendar expects a bar of `timeframeMs` opening at `slot` (always, for bars longer than a day). */
export function isBarExpected(
  calendar: SessionCalendar | ExchangeCalendar,
  slot: number,
  timeframeMs: number,
): boolean {
  if (timeframeMs > DAY) return true;
  const cal = calendarOf(calendar);
  const day = Math.floor(slot / DAY);
  // A partial-session window can reach back into the previous UTC day; check the next day's session too.
  for (const d of [day, day + 1]) {
    const window = barWindow(cal, d, timeframeMs);
    if (window !== undefined && slot >= window[0] && slot < window[1]) return true;
  }
  return false;
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
 * with the index of the bar after each gap and a description. With `range`, only bars missing inside it count, so
 * a warning speaks of the span that is traded, not of the whole file.
 */
export function findGaps(
  time: Float64Array,
  timeframeMs: number,
  calendar: SessionCalendar | ExchangeCalendar,
  onGap: (index: number, detail: string) => void,
  range: TimeRange = {},
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
    if ((range.to !== undefined && prev >= range.to) || (range.from !== undefined && next <= range.from)) continue;
    const missing = missingBars(prev, next, timeframeMs, calendar, range);
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
 * close with volume 0, over the whole series.
 */
export function fillGaps(
  series: CandleSeries,
  timeframeMs: number,
  calendar: SessionCalendar | ExchangeCalendar,
): CandleSeries {
  let missing = 0;
  for (let j = 1; j < series.length; j++) {
    missing += missingBars(series.time[j - 1] as number, series.time[j] as number, timeframeMs, calendar);
  }
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
