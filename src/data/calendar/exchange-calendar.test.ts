import { describe, expect, it } from "vitest";
import {
  ALWAYS_OPEN,
  calendarByName,
  isMarketOpen,
  isTradingDay,
  NYSE,
  newYorkOffsetHours,
  nextSession,
  sessionClose,
  WEEKDAYS,
} from "./exchange-calendar.js";
import { easterSunday, nyseSpecialDays } from "./nyse-holidays.js";

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const dayOf = (iso: string) => at(`${iso}T00:00:00Z`) / DAY;
const dates = (days: number[]) => days.map((day) => new Date(day * DAY).toISOString().slice(0, 10));

describe("NYSE holidays", () => {
  it("lists the 2024 holidays and early closes the exchange published", () => {
    const special = nyseSpecialDays(2024);
    expect(dates(special.filter((s) => s.kind === "holiday").map((s) => s.day))).toEqual([
      "2024-01-01",
      "2024-01-15",
      "2024-02-19",
      "2024-03-29",
      "2024-05-27",
      "2024-06-19",
      "2024-07-04",
      "2024-09-02",
      "2024-11-28",
      "2024-12-25",
    ]);
    expect(dates(special.filter((s) => s.kind === "early-close").map((s) => s.day))).toEqual([
      "2024-07-03",
      "2024-11-29",
      "2024-12-24",
    ]);
  });

  it("observes weekend holidays on the nearest weekday, but never closes December 31 for New Year's Day", () => {
    expect(isTradingDay(NYSE, at("2021-12-31T15:00:00Z"))).toBe(true);
    expect(isTradingDay(NYSE, at("2022-06-20T15:00:00Z"))).toBe(false);
    expect(isTradingDay(NYSE, at("2021-07-05T15:00:00Z"))).toBe(false);
    expect(isTradingDay(NYSE, at("2027-12-24T15:00:00Z"))).toBe(false);
    expect(isTradingDay(NYSE, at("2023-01-02T15:00:00Z"))).toBe(false);
    expect(isTradingDay(NYSE, at("2021-06-18T15:00:00Z"))).toBe(true);
  });

  it("computes Easter (Good Friday) for years with early and late dates", () => {
    expect(dates([easterSunday(2008), easterSunday(2011), easterSunday(2019), easterSunday(2025)])).toEqual([
      "2008-03-23",
      "2011-04-24",
      "2019-04-21",
      "2025-04-20",
    ]);
  });

  it("closes for the listed unscheduled events", () => {
    for (const day of ["2001-09-11", "2001-09-14", "2012-10-29", "2018-12-05", "2025-01-09"]) {
      expect(NYSE.session(dayOf(day)), day).toBeUndefined();
    }
  });
});

describe("NYSE sessions", () => {
  it("opens 09:30 and closes 16:00 New York time, through the daylight-saving switch", () => {
    expect(NYSE.session(dayOf("2024-03-08"))).toEqual({
      open: at("2024-03-08T14:30:00Z"),
      close: at("2024-03-08T21:00:00Z"),
      earlyClose: false,
    });
    expect(NYSE.session(dayOf("2024-03-11"))?.open).toBe(at("2024-03-11T13:30:00Z"));
    expect(NYSE.session(dayOf("2024-11-01"))?.open).toBe(at("2024-11-01T13:30:00Z"));
    expect(NYSE.session(dayOf("2024-11-04"))?.open).toBe(at("2024-11-04T14:30:00Z"));
    expect(newYorkOffsetHours(dayOf("2006-04-03"))).toBe(-4);
    expect(newYorkOffsetHours(dayOf("2006-03-20"))).toBe(-5);
  });

  it("closes at 13:00 on early-close days", () => {
    expect(NYSE.session(dayOf("2024-07-03"))).toEqual({
      open: at("2024-07-03T13:30:00Z"),
      close: at("2024-07-03T17:00:00Z"),
      earlyClose: true,
    });
  });

  it("isMarketOpen: open inclusive, close exclusive, closed on weekends and holidays", () => {
    expect(isMarketOpen(NYSE, at("2024-07-01T13:29:59Z"))).toBe(false);
    expect(isMarketOpen(NYSE, at("2024-07-01T13:30:00Z"))).toBe(true);
    expect(isMarketOpen(NYSE, at("2024-07-01T19:59:59Z"))).toBe(true);
    expect(isMarketOpen(NYSE, at("2024-07-01T20:00:00Z"))).toBe(false);
    expect(isMarketOpen(NYSE, at("2024-07-04T15:00:00Z"))).toBe(false);
    expect(isMarketOpen(NYSE, at("2024-07-06T15:00:00Z"))).toBe(false);
    expect(isMarketOpen(ALWAYS_OPEN, at("2024-07-06T03:00:00Z"))).toBe(true);
    expect(isMarketOpen(WEEKDAYS, at("2024-07-06T03:00:00Z"))).toBe(false);
  });

  it("sessionClose gives the bell of the open session, and nextSession skips a holiday weekend", () => {
    expect(sessionClose(NYSE, at("2024-11-29T15:00:00Z"))).toBe(at("2024-11-29T18:00:00Z"));
    expect(sessionClose(NYSE, at("2024-11-29T19:00:00Z"))).toBeUndefined();
    expect(nextSession(NYSE, at("2024-03-28T21:00:00Z"))?.open).toBe(at("2024-04-01T13:30:00Z"));
    expect(nextSession(NYSE, at("2024-04-01T15:00:00Z"))?.open).toBe(at("2024-04-01T13:30:00Z"));
  });

  it("names calendars and refuses an unknown one with the list", () => {
    expect(calendarByName("NYSE")).toBe(NYSE);
    expect(() => calendarByName("lse")).toThrow('unknown calendar "lse" (expected one of 24/7, weekdays, nyse)');
  });
});
