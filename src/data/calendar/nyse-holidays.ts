/**
 * New York Stock Exchange holidays and early closes, computed from the exchange's rules (NYSE Rule 7.2) rather
 * than a table, so any year works. Historical closures for events are listed by date.
 *
 * Full-day holidays: New Year's Day, Martin Luther King Jr. Day (from 1998), Washington's Birthday, Good Friday,
 * Memorial Day, Juneteenth (from 2022), Independence Day, Labor Day, Thanksgiving and Christmas. A holiday on a
 * Sunday is observed on Monday, one on a Saturday on Friday, except New Year's Day: a Saturday January 1 is not
 * made up on Friday December 31 (the year's last session is never closed).
 *
 * Early closes at 13:00 New York time follow today's practice: July 3 when it falls Monday to Thursday, the day
 * after Thanksgiving, and December 24 when it falls Monday to Thursday. Years that deviated from it (a few before
 * 2010) are not modelled.
 */

const DAY = 86_400_000;

export type NyseDayKind = "holiday" | "early-close";

export interface NyseSpecialDay {
  /** Days since 1970-01-01 (UTC date = New York date). */
  readonly day: number;
  readonly kind: NyseDayKind;
  readonly name: string;
}

/** Unscheduled full-day closures since 1994 (funerals of presidents, 9/11, hurricane Sandy). */
const CLOSURES: ReadonlyArray<readonly [string, string]> = [
  ["1994-04-27", "funeral of Richard Nixon"],
  ["2001-09-11", "September 11 attacks"],
  ["2001-09-12", "September 11 attacks"],
  ["2001-09-13", "September 11 attacks"],
  ["2001-09-14", "September 11 attacks"],
  ["2004-06-11", "funeral of Ronald Reagan"],
  ["2007-01-02", "funeral of Gerald Ford"],
  ["2012-10-29", "hurricane Sandy"],
  ["2012-10-30", "hurricane Sandy"],
  ["2018-12-05", "funeral of George H. W. Bush"],
  ["2025-01-09", "funeral of Jimmy Carter"],
];

const dayOf = (year: number, month: number, date: number): number => Date.UTC(year, month - 1, date) / DAY;
/** 0 = Sunday … 6 = Saturday. */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

/** The `n`-th (1-based) `weekday` of a month; n = -1 is the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = dayOf(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = dayOf(year, month + 1, 0);
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/** Easter Sunday (Gregorian), by the anonymous "Meeus/Jones/Butcher" algorithm. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const date = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(year, month, date);
}

/** A fixed-date holiday moved off the weekend: Saturday → Friday, Sunday → Monday. */
function observed(day: number): number {
  const weekday = weekdayOf(day);
  return weekday === 6 ? day - 1 : weekday === 0 ? day + 1 : day;
}

/** Holidays and early closes of one year, in date order. */
export function nyseSpecialDays(year: number): NyseSpecialDay[] {
  const out: NyseSpecialDay[] = [];
  const holiday = (day: number, name: string) => out.push({ day, kind: "holiday", name });
  const early = (day: number, name: string) => out.push({ day, kind: "early-close", name });

  const newYear = dayOf(year, 1, 1);
  if (weekdayOf(newYear) !== 6) holiday(observed(newYear), "New Year's Day");
  if (year >= 1998) holiday(nthWeekday(year, 1, 1, 3), "Martin Luther King Jr. Day");
  holiday(nthWeekday(year, 2, 1, 3), "Washington's Birthday");
  holiday(easterSunday(year) - 2, "Good Friday");
  holiday(nthWeekday(year, 5, 1, -1), "Memorial Day");
  if (year >= 2022) holiday(observed(dayOf(year, 6, 19)), "Juneteenth");
  const july3 = dayOf(year, 7, 3);
  if (weekdayOf(july3) >= 1 && weekdayOf(july3) <= 4) early(july3, "day before Independence Day");
  holiday(observed(dayOf(year, 7, 4)), "Independence Day");
  holiday(nthWeekday(year, 9, 1, 1), "Labor Day");
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  holiday(thanksgiving, "Thanksgiving Day");
  early(thanksgiving + 1, "day after Thanksgiving");
  const christmasEve = dayOf(year, 12, 24);
  if (weekdayOf(christmasEve) >= 1 && weekdayOf(christmasEve) <= 4) early(christmasEve, "Christmas Eve");
  holiday(observed(dayOf(year, 12, 25)), "Christmas Day");
  for (const [date, name] of CLOSURES) {
    if (Number(date.slice(0, 4)) === year) holiday(Date.parse(`${date}T00:00:00Z`) / DAY, name);
  }
  return out.sort((a, b) => a.day - b.day);
}

const cache = new Map<number, ReadonlyMap<number, NyseSpecialDay>>();

/** The holiday or early close on `day` (days since epoch), if any. */
export function nyseSpecialDay(day: number): NyseSpecialDay | undefined {
  const year = new Date(day * DAY).getUTCFullYear();
  let byDay = cache.get(year);
  if (byDay === undefined) {
    byDay = new Map(nyseSpecialDays(year).map((special) => [special.day, special]));
    cache.set(year, byDay);
  }
  return byDay.get(day);
}
