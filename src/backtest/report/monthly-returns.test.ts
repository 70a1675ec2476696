import { describe, expect, it } from "vitest";
import { monthlyReturns, yearlyReturns } from "./monthly-returns.js";

const utc = (year: number, month: number, day: number, hour = 0): number => Date.UTC(year, month - 1, day, hour);

/** Hand-made curve over Dec 2023 – Mar 2024 with a gap month (February has no sample). */
const curve = {
  time: Float64Array.from([
    utc(2023, 12, 30),
    utc(2023, 12, 31, 23), // end of Dec 2023: 110
    utc(2024, 1, 1, 0), // Jan 1 00:00 UTC belongs to January
    utc(2024, 1, 31, 23), // end of Jan: 99
    utc(2024, 3, 15), // end of Mar: 118.8 (no February sample)
  ]),
  equity: Float64Array.from([100, 110, 120, 99, 118.8]),
};

describe("monthlyReturns", () => {
  it("measures each month's last sample against the previous month's last, the first month from the first sample", () => {
    const months = monthlyReturns(curve);
    expect(months.map(({ year, month }) => [year, month])).toEqual([
      [2023, 12],
      [2024, 1],
      [2024, 3],
    ]);
    expect(months[0]!.returnPct).toBeCloseTo(110 / 100 - 1, 12); // +10 %
    expect(months[1]!.returnPct).toBeCloseTo(99 / 110 - 1, 12); // -10 %
    expect(months[2]!.returnPct).toBeCloseTo(118.8 / 99 - 1, 12); // +20 %, February absent, not 0 %
  });

  it("assigns samples to months in UTC whatever the local time zone", () => {
    const [december, january] = monthlyReturns({
      time: Float64Array.from([utc(2023, 12, 31, 23), utc(2024, 1, 1, 0)]),
      equity: Float64Array.from([100, 150]),
    });
    expect(december).toEqual({ year: 2023, month: 12, returnPct: 0 });
    expect(january).toEqual({ year: 2024, month: 1, returnPct: 0.5 });
  });

  it("returns nothing for an empty curve", () => {
    expect(monthlyReturns({ time: new Float64Array(0), equity: new Float64Array(0) })).toEqual([]);
  });

  it("rejects a curve whose time goes backwards, naming the sample", () => {
    expect(() =>
      monthlyReturns({
        time: Float64Array.from([utc(2024, 2, 1), utc(2024, 1, 1)]),
        equity: Float64Array.from([1, 2]),
      }),
    ).toThrow(/sample 1/);
  });

  it("rejects a curve whose arrays differ in length", () => {
    expect(() => monthlyReturns({ time: Float64Array.from([0, 1]), equity: Float64Array.from([1]) })).toThrow(
      /2 times but 1 equity/,
    );
  });
});

describe("yearlyReturns", () => {
  it("gives each year's total, equal to its compounded months", () => {
    const years = yearlyReturns(curve);
    expect(years.map((y) => [y.year, y.months])).toEqual([
      [2023, 1],
      [2024, 2],
    ]);
    expect(years[0]!.returnPct).toBeCloseTo(0.1, 12);
    expect(years[1]!.returnPct).toBeCloseTo(118.8 / 110 - 1, 12); // +8 %
    expect(years[1]!.returnPct).toBeCloseTo((1 + (99 / 110 - 1)) * (1 + (118.8 / 99 - 1)) - 1, 12);
  });
});

describe("monthlyReturns and yearlyReturns on many samples", () => {
  it("equal a month/year key computed with a Date for every sample (boundaries, leap days, before 1970)", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const times: number[] = [];
    const equity: number[] = [];
    let t = Date.UTC(1968, 1, 27, 23);
    for (let i = 0; i < 5000; i++) {
      // Steps from 1 ms to ~40 days, some landing exactly on a month's first millisecond.
      t += random() < 0.1 ? 1 : Math.floor(random() * 40 * 86_400_000);
      if (random() < 0.05) t = Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth() + 1, 1);
      times.push(t);
      equity.push(1000 + random() * 100);
    }
    const curve = { time: Float64Array.from(times), equity: Float64Array.from(equity) };
    const lastOf = (key: (ms: number) => number) => {
      const ends = new Map<number, number>();
      times.forEach((ms, i) => {
        ends.set(key(ms), equity[i] as number);
      });
      let previous = equity[0] as number;
      return [...ends].map(([k, e]) => {
        const r = { key: k, returnPct: e / previous - 1 };
        previous = e;
        return r;
      });
    };
    const months = lastOf((ms) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth());
    expect(monthlyReturns(curve)).toEqual(
      months.map((m) => ({ year: Math.floor(m.key / 12), month: (m.key % 12) + 1, returnPct: m.returnPct })),
    );
    const years = lastOf((ms) => new Date(ms).getUTCFullYear());
    expect(yearlyReturns(curve).map((y) => ({ key: y.year, returnPct: y.returnPct }))).toEqual(years);
  });
});
