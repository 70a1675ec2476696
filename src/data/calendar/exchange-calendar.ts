/**
 * When a market trades. A calendar answers one question per UTC calendar day: is there a session, and from when to
 * when (UTC ms)? Gap detection asks it which bars a file should have, and a trading runtime asks `isMarketOpen`
 * before it sends an order and `sessionClose` to act before the bell.
 */

import { nyseSpecialDay } from "./nyse-holidays.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** One trading session in UTC ms: [open, close). */
export interface Session {
  readonly open: number;
  readonly close: number;
  /** True on a day the exchange closes early (NYSE: 13:00 New York time). */
  readonly earlyClose: boolean;
}

export interface ExchangeCalendar {
  /** "24/7", "weekdays" or an exchange ("nyse"). */
  readonly name: string;
  /** True when every open day is open around the clock, so a daily bar and the day are the same thing. */
  readonly fullDays: boolean;
  /** The session on UTC day `day` (days since 1970-01-01); undefined on a day without trading. */
  session(day: number): Session | undefined;
}

/** 0 = Sunday … 6 = Saturday; the Unix epoch was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const wholeDay = (day: number): Session => ({ open: day * DAY, close: (day + 1) * DAY, earlyClose: false });

/** Crypto: every day, around the clock. */
export const ALWAYS_OPEN: ExchangeCalendar = { name: "24/7", fullDays: true, session: wholeDay };

/** Monday to Friday around the clock (UTC): equities or FX when nothing more is known. */
export const WEEKDAYS: ExchangeCalendar = {
  name: "weekdays",
  fullDays: true,
  session: (day) => (weekdayOf(day) === 0 || weekdayOf(day) === 6 ? undefined : wholeDay(day)),
};

/**
 * New York's offset from UTC in hours on UTC day `day` at midday: -4 in daylight saving time, else -5. US rules:
 * since 2007 from the second Sunday of March to the first Sunday of November; 1987–2006 from the first Sunday of
 * April to the last Sunday of October. The switch happens at 02:00 local, before any session, so a day has one
 * offset during trading hours.
 */
export function newYorkOffsetHours(day: number): number {
  const year = new Date(day * DAY).getUTCFullYear();
  const sundayOnOrAfter = (month: number, date: number) => {
    const first = Date.UTC(year, month - 1, date) / DAY;
    return first + ((7 - weekdayOf(first)) % 7);
  };
  let start: number;
  let end: number;
  if (year >= 2007) {
    start = sundayOnOrAfter(3, 8);
    end = sundayOnOrAfter(11, 1);
  } else {
    start = sundayOnOrAfter(4, 1);
    end = sundayOnOrAfter(10, 25);
  }
  return day >= start && day < end ? -4 : -5;
}

/**
 * The New York Stock Exchange: 09:30–16:00 New York time on weekdays that are not NYSE holidays, 13:00 on early
 * close days (see nyse-holidays.ts for the rules).
 */
export const NYSE: ExchangeCalendar = {
  name: "nyse",
  fullDays: false,
  session(day) {
    const weekday = weekdayOf(day);
    if (weekday === 0 || weekday === 6) return undefined;
    const special = nyseSpecialDay(day);
    if (special?.kind === "holiday") return undefined;
    const midnightNewYork = day * DAY - newYorkOffsetHours(day) * HOUR;
    const earlyClose = special?.kind === "early-close";
    return {
      open: midnightNewYork + 9 * HOUR + 30 * MINUTE,
      close: midnightNewYork + (earlyClose ? 13 : 16) * HOUR,
      earlyClose,
    };
  },
};

const CALENDARS: Readonly<Record<string, ExchangeCalendar>> = { "24/7": ALWAYS_OPEN, weekdays: WEEKDAYS, nyse: NYSE };

/** Names `calendarByName` knows. */
export const CALENDAR_NAMES = Object.keys(CALENDARS);

/** The calendar called `name` ("24/7", "weekdays", "nyse"); a RangeError lists the known ones otherwise. */
export function calendarByName(name: string): ExchangeCalendar {
  const calendar = CALENDARS[name.toLowerCase()];
  if (calendar === undefined) {
    throw new RangeError(`unknown calendar "${name}" (expected one of ${CALENDAR_NAMES.join(", ")})`);
  }
  return calendar;
}

/** Whether the market trades at `timeMs`: inside a session, open inclusive, close exclusive. */
export function isMarketOpen(calendar: ExchangeCalendar, timeMs: number): boolean {
  const session = calendar.session(Math.floor(timeMs / DAY));
  return session !== undefined && timeMs >= session.open && timeMs < session.close;
}

/** Whether UTC day of `timeMs` has a session at all (a trading day). */
export function isTradingDay(calendar: ExchangeCalendar, timeMs: number): boolean {
  return calendar.session(Math.floor(timeMs / DAY)) !== undefined;
}

/** The close (UTC ms) of the session that is open at `timeMs`; undefined when the market is closed then. */
export function sessionClose(calendar: ExchangeCalendar, timeMs: number): number | undefined {
  const session = calendar.session(Math.floor(timeMs / DAY));
  return session !== undefined && timeMs >= session.open && timeMs < session.close ? session.close : undefined;
}

/**
 * The next session that has not closed by `timeMs` (the current one while the market is open), searching up to
 * `maxDays` days ahead; undefined when none is found (a calendar without sessions).
 */
export function nextSession(calendar: ExchangeCalendar, timeMs: number, maxDays = 366): Session | undefined {
  const first = Math.floor(timeMs / DAY);
  for (let day = first; day <= first + maxDays; day++) {
    const session = calendar.session(day);
    if (session !== undefined && session.close > timeMs) return session;
  }
  return undefined;
}
