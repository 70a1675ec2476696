import { describe, expect, it } from "vitest";
import { DAY_MS, dayLabel } from "./days.js";

/** The reference: what Date writes. */
const viaDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

describe("dayLabel", () => {
  it("writes every day of 1900–2100 as Date does, leap days and century rules included", () => {
    for (let day = Math.floor(Date.UTC(1900, 0, 1) / DAY_MS); day <= Date.UTC(2100, 11, 31) / DAY_MS; day++) {
      if (dayLabel(day) !== viaDate(day)) expect(dayLabel(day)).toBe(viaDate(day));
    }
    expect(dayLabel(Date.UTC(2024, 1, 29) / DAY_MS)).toBe("2024-02-29");
    expect(dayLabel(Date.UTC(2000, 1, 29) / DAY_MS)).toBe("2000-02-29");
  });

  it("agrees with Date at the edges of the four-digit years and the same day asked twice", () => {
    for (const day of [-719_528, -719_529, 2_932_896, 2_932_897, -1, 0, 1]) {
      expect(dayLabel(day)).toBe(viaDate(day));
      expect(dayLabel(day)).toBe(viaDate(day));
    }
  });

  it("rejects a day that is not a number, as Date does", () => {
    expect(() => dayLabel(Number.NaN)).toThrow(RangeError);
  });
});
