import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Candle, seriesFromCandles } from "../domain/candles.js";
import { detectCalendar, fillGaps, findGaps, forEachMissingBar, isWeekend, missingBars } from "./gaps.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FRIDAY = Date.UTC(2024, 0, 5);
const MONDAY = Date.UTC(2024, 0, 8);

describe("isWeekend", () => {
  it("knows Saturday and Sunday in UTC, before and after the epoch", () => {
    expect(isWeekend(FRIDAY)).toBe(false);
    expect(isWeekend(FRIDAY + DAY)).toBe(true);
    expect(isWeekend(FRIDAY + 2 * DAY)).toBe(true);
    expect(isWeekend(MONDAY)).toBe(false);
    expect(isWeekend(Date.UTC(1969, 11, 27))).toBe(true);
    expect(isWeekend(Date.UTC(1969, 11, 29))).toBe(false);
  });
});

describe("missingBars", () => {
  it("counts the bars between two bars around the clock", () => {
    expect(missingBars(0, HOUR, HOUR, "24/7")).toBe(0);
    expect(missingBars(0, 7 * HOUR, HOUR, "24/7")).toBe(6);
    expect(missingBars(FRIDAY, MONDAY, DAY, "24/7")).toBe(2);
  });

  it("skips weekend days on a weekday calendar", () => {
    expect(missingBars(FRIDAY, MONDAY, DAY, "weekdays")).toBe(0);
    expect(missingBars(FRIDAY, MONDAY + DAY, DAY, "weekdays")).toBe(1);
    expect(missingBars(FRIDAY + 20 * HOUR, MONDAY + HOUR, HOUR, "weekdays")).toBe(3 + 1);
  });

  it("counts a six-year hole in daily weekday data without walking it slot by slot", () => {
    const start = Date.UTC(2004, 10, 30);
    const end = Date.UTC(2011, 2, 23);
    expect(missingBars(start, end, DAY, "weekdays")).toBe(1645);
  });

  it("agrees with forEachMissingBar", () => {
    for (const calendar of ["24/7", "weekdays"] as const) {
      for (const [prev, next, step] of [
        [FRIDAY, MONDAY + 3 * DAY, DAY],
        [FRIDAY + 5 * HOUR, MONDAY + 7 * HOUR, HOUR],
        [FRIDAY, FRIDAY + 30 * DAY, 4 * HOUR],
      ] as const) {
        const visited: number[] = [];
        forEachMissingBar(prev, next, step, calendar, (t) => visited.push(t));
        expect(visited.length, `${calendar} ${prev} ${next}`).toBe(missingBars(prev, next, step, calendar));
      }
    }
  });
});

describe("detectCalendar", () => {
  const weekdays = Array.from({ length: 30 }, (_, d) => MONDAY + d * DAY).filter((t) => !isWeekend(t));
  it("sees weekday data", () => {
    expect(detectCalendar(weekdays, DAY)).toBe("weekdays");
  });

  it("says 24/7 when a bar falls on a weekend, the span is under a week or bars are longer than a day", () => {
    expect(detectCalendar([...weekdays, FRIDAY + DAY].sort(), DAY)).toBe("24/7");
    expect(detectCalendar(weekdays.slice(0, 4), DAY)).toBe("24/7");
    expect(detectCalendar(weekdays, 7 * DAY)).toBe("24/7");
  });
});

const series = (rows: [number, number][]) =>
  seriesFromCandles(
    "T",
    "1h",
    rows.map(([time, close]): Candle => ({ time, open: close, high: close + 1, low: close - 1, close, volume: 5 })),
  );

describe("findGaps", () => {
  it("reports each gap at the bar after it and sums them up", () => {
    const found: [number, string][] = [];
    const summary = findGaps(Float64Array.from([0, HOUR, 4 * HOUR, 5 * HOUR, 7 * HOUR]), HOUR, "24/7", (j, detail) =>
      found.push([j, detail]),
    );
    expect(summary).toEqual({ count: 2, missingBars: 3, largestMissingBars: 2, largestMs: 2 * HOUR, largestAt: HOUR });
    expect(found).toEqual([
      [2, "2 missing bars between 1970-01-01T01:00:00.000Z and 1970-01-01T04:00:00.000Z"],
      [4, "1 missing bar between 1970-01-01T05:00:00.000Z and 1970-01-01T07:00:00.000Z"],
    ]);
  });
});

describe("fillGaps", () => {
  it("adds flat bars at the previous close with volume 0", () => {
    const filled = fillGaps(
      series([
        [0, 10],
        [3 * HOUR, 12],
      ]),
      HOUR,
      "24/7",
    );
    expect(Array.from(filled.time)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR]);
    expect(Array.from(filled.open)).toEqual([10, 10, 10, 12]);
    expect(Array.from(filled.high)).toEqual([11, 10, 10, 13]);
    expect(Array.from(filled.low)).toEqual([9, 10, 10, 11]);
    expect(Array.from(filled.close)).toEqual([10, 10, 10, 12]);
    expect(Array.from(filled.volume)).toEqual([5, 0, 0, 5]);
    expect(filled.length).toBe(4);
  });
});

describe("missingBars with bars off the grid", () => {
  it("treats a late bar as late, not as a gap, and counts only whole missing slots", () => {
    expect(missingBars(5 * HOUR, 6 * HOUR + 60_000, HOUR, "24/7")).toBe(0);
    expect(missingBars(5 * HOUR, 7 * HOUR + 60_000, HOUR, "24/7")).toBe(1);
    expect(missingBars(FRIDAY, MONDAY + 60_000, DAY, "weekdays")).toBe(0);
  });
});

describe("missingBars and forEachMissingBar", () => {
  it("agree for any two times, timeframe and calendar", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1, max: 3_000 }),
        fc.constantFrom(60_000, 15 * 60_000, HOUR, 4 * HOUR, DAY, 7 * DAY),
        fc.constantFrom("24/7" as const, "weekdays" as const, "nyse" as const),
        fc.boolean(),
        (startSlot, length, step, calendar, offGrid) => {
          const prev = Date.UTC(2020, 0, 1) + startSlot * step;
          const next = prev + length * step + (offGrid ? 60_000 - 1 : 0);
          let visited = 0;
          forEachMissingBar(prev, next, step, calendar, () => visited++);
          expect(visited).toBe(missingBars(prev, next, step, calendar));
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe("gaps on the NYSE calendar", () => {
  const JULY_3 = Date.UTC(2024, 6, 3);
  it("does not count Independence Day or the weekend between daily bars", () => {
    expect(missingBars(JULY_3, Date.UTC(2024, 6, 5), DAY, "nyse")).toBe(0);
    expect(missingBars(JULY_3, Date.UTC(2024, 6, 8), DAY, "nyse")).toBe(1);
    expect(missingBars(JULY_3, Date.UTC(2024, 6, 8), DAY, "weekdays")).toBe(2);
  });

  it("expects intraday bars only where they overlap the session (13:30–20:00 UTC in summer)", () => {
    // Hourly bars stamped on the hour: 13:00 (holds the 13:30 open) … 19:00 are the 7 bars of a day.
    const monday = Date.UTC(2024, 6, 1);
    expect(missingBars(monday + 19 * HOUR, Date.UTC(2024, 6, 2, 13), HOUR, "nyse")).toBe(0);
    expect(missingBars(monday + 19 * HOUR, Date.UTC(2024, 6, 2, 15), HOUR, "nyse")).toBe(2);
    // July 3 closes at 17:00 UTC (13:00 New York): 16:00 is its last bar, then July 5 opens.
    expect(missingBars(Date.UTC(2024, 6, 3, 16), Date.UTC(2024, 6, 5, 13), HOUR, "nyse")).toBe(0);
    const visited: number[] = [];
    forEachMissingBar(monday + 12 * HOUR, Date.UTC(2024, 6, 2, 14), HOUR, "nyse", (t) => visited.push(t));
    expect(visited.map((t) => new Date(t).toISOString().slice(5, 13))).toEqual([
      "07-01T13",
      "07-01T14",
      "07-01T15",
      "07-01T16",
      "07-01T17",
      "07-01T18",
      "07-01T19",
      "07-02T13",
    ]);
  });
});

describe("gaps inside a range", () => {
  const time = Float64Array.from([0, HOUR, 5 * HOUR, 6 * HOUR, 20 * HOUR, 21 * HOUR]);
  it("counts only the bars missing inside [from, to], so a traded range is not blamed for the rest", () => {
    const all = findGaps(time, HOUR, "24/7", () => {});
    expect(all).toMatchObject({ count: 2, missingBars: 3 + 13 });
    const found: number[] = [];
    const ranged = findGaps(time, HOUR, "24/7", (j) => found.push(j), { from: 5 * HOUR, to: 21 * HOUR });
    expect(ranged).toMatchObject({ count: 1, missingBars: 13, largestAt: 6 * HOUR });
    expect(found).toEqual([4]);
    expect(findGaps(time, HOUR, "24/7", () => {}, { from: 3 * HOUR, to: 9 * HOUR })).toMatchObject({
      count: 2,
      missingBars: 2 + 3,
    });
  });
});
