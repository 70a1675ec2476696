import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastAtOrBefore, memoryProvider, PointSeriesProvider } from "./provider.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 2, 5, 12);
const points = [
  { time: T0, value: 1 },
  { time: T0 + H, value: 2 },
  { time: T0 + 2 * H, value: 3 },
];

describe("PointSeriesProvider", () => {
  it("returns the latest observation at or before the asked time", () => {
    const p = memoryProvider("x", points);
    expect(p.at(T0 + H)).toEqual({ value: 2, time: T0 + H });
    expect(p.at(T0 + H + 1)).toEqual({ value: 2, time: T0 + H });
    expect(p.at(T0 + 2 * H - 1)).toEqual({ value: 2, time: T0 + H });
    expect(p.at(T0 + 10 * H)).toEqual({ value: 3, time: T0 + 2 * H });
  });

  it("has nothing before the first point", () => {
    const p = memoryProvider("x", points);
    expect(p.at(T0 - 1)).toBeUndefined();
    expect(p.missing(T0 - 1)).toBe("x starts at 2024-03-05 12:00");
  });

  it("treats an observation older than the staleness limit as no data and says how old it is", () => {
    const p = memoryProvider("x", points, { maxAgeMs: 2 * H });
    expect(p.at(T0 + 4 * H)?.value).toBe(3);
    expect(p.at(T0 + 4 * H + 1)).toBeUndefined();
    expect(p.missing(T0 + 41 * H)).toBe("x last point 2024-03-05 14:00 is 1d15h old, limit 2h");
  });

  it("lists the observations known in (after, through] oldest first", () => {
    const p = memoryProvider("x", points);
    expect(p.between(T0, T0 + 2 * H).map((o) => o.value)).toEqual([2, 3]);
    expect(p.between(T0 - 1, T0 + H - 1).map((o) => o.value)).toEqual([1]);
    expect(p.between(T0 + 2 * H, T0 + 9 * H)).toEqual([]);
  });

  it("rejects unsorted and duplicate points, naming the point", () => {
    expect(() => memoryProvider("spy", [points[1], points[0]] as never)).toThrow(
      "spy: point 1 at 2024-03-05 12:00 is unsorted (previous 2024-03-05 13:00)",
    );
    expect(() => memoryProvider("spy", [points[0], points[0]] as never)).toThrow(/point 1 .* is duplicate/);
    expect(() => memoryProvider("spy", [{ time: Number.NaN, value: 1 }])).toThrow("spy: point 0 has time NaN");
    expect(() => new PointSeriesProvider("spy", new Float64Array(2), [1])).toThrow("2 times but 1 values");
  });

  it("never returns a point later than the asked time, and always the latest one not later", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: -100, max: 10_100 }),
        (raw, asked) => {
          const times = [...raw].sort((a, b) => a - b);
          const p = memoryProvider(
            "prop",
            times.map((time) => ({ time, value: time })),
          );
          const got = p.at(asked);
          const expected = times.filter((t) => t <= asked).at(-1);
          if (expected === undefined) return got === undefined;
          return got !== undefined && got.time <= asked && got.time === expected && got.value === expected;
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe("lastAtOrBefore", () => {
  it("finds the last index not after the time, -1 before the first, -1 for NaN", () => {
    const t = Float64Array.from([10, 20, 30]);
    expect([5, 10, 15, 20, 30, 99].map((x) => lastAtOrBefore(t, x))).toEqual([-1, 0, 0, 1, 2, 2]);
    expect(lastAtOrBefore(t, Number.NaN)).toBe(-1);
    expect(lastAtOrBefore(new Float64Array(0), 5)).toBe(-1);
  });
});
