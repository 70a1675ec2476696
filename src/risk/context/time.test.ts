import { describe, expect, it } from "vitest";
import { formatInstant } from "./time.js";

/** The reference: the same text built from Date. */
function viaDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(17, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === "00.000" ? "" : `:${seconds.replace(/\.000$/, "")}`}`;
}

describe("formatInstant", () => {
  it("writes minutes, seconds only when not zero, and milliseconds only when not zero", () => {
    expect(formatInstant(Date.UTC(2024, 2, 5, 15, 0))).toBe("2024-03-05 15:00");
    expect(formatInstant(Date.UTC(2024, 2, 5, 15, 0, 7))).toBe("2024-03-05 15:00:07");
    expect(formatInstant(Date.UTC(2024, 2, 5, 15, 0, 7, 50))).toBe("2024-03-05 15:00:07.050");
  });

  it("agrees with Date over seeded instants from year 0 to 9999, before 1970 included", () => {
    let state = 12_345;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const first = -62_167_219_200_000; // 0000-01-01 00:00 UTC (Date.UTC reads years 0–99 as 1900–1999)
    const span = Date.UTC(9999, 11, 31, 23, 59, 59, 999) - first;
    for (let i = 0; i < 20_000; i++) {
      const whole = first + Math.floor(next() * span);
      // Whole minutes and whole seconds are the common cases; a third keep their milliseconds.
      const ms = i % 3 === 0 ? whole - (whole % 60_000) : i % 3 === 1 ? whole - (whole % 1000) : whole;
      if (formatInstant(ms) !== viaDate(ms)) expect(formatInstant(ms)).toBe(viaDate(ms));
    }
  });

  it("falls back to Date for fractions of a millisecond and years past 9999, and to text for non-numbers", () => {
    for (const ms of [1.5, -1.5, Date.UTC(10_000, 0, 1), -62_167_219_200_001])
      expect(formatInstant(ms)).toBe(viaDate(ms));
    expect(formatInstant(Number.NaN)).toBe("NaN");
    expect(formatInstant(9e15)).toBe("9000000000000000");
  });
});
