import { describe, expect, it } from "vitest";
import { formatGrouped } from "./format-grouped.js";
import { createRandom } from "./random.js";

/** The oracle: what the console printed before, through ICU. */
function intl(value: number, decimals: number): string {
  return new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
    value,
  );
}

describe("formatGrouped", () => {
  it("writes what Intl's en-US formatter writes at the edges: halves, signs, zeros, tiny, huge, not finite", () => {
    const edges = [
      0,
      -0,
      1.005,
      2.675,
      0.125,
      0.005,
      0.0049,
      -0.001,
      0.5,
      1.5,
      2.5,
      -2.5,
      9.995,
      99.995,
      999.995,
      999_999.995,
      1234.5,
      123_456_789.125,
      1e-7,
      5e-7,
      1e15,
      1e21,
      1.7976931348623157e308,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -999.5,
      65_699,
      716_153.4,
    ];
    for (const decimals of [0, 1, 2, 3, 8]) {
      for (const value of edges) {
        for (const v of [value, -value])
          expect(formatGrouped(v, decimals), `${v} with ${decimals}`).toBe(intl(v, decimals));
      }
    }
  });

  it("writes what Intl writes for 60,000 seeded values across magnitudes, with 0 and 2 decimals", () => {
    const random = createRandom(20261205);
    for (let i = 0; i < 30_000; i++) {
      const magnitude = 10 ** Math.floor(random.next() * 26 - 8);
      // Every third value is a multiple of 0.0005: a half at the second or third decimal, where rounding decides.
      const raw = (random.next() - 0.3) * magnitude;
      const value = i % 3 === 0 ? Math.round(raw * 2000) / 2000 : raw;
      for (const decimals of [0, 2])
        expect(formatGrouped(value, decimals), `${value} with ${decimals}`).toBe(intl(value, decimals));
    }
  });

  it("refuses a decimals count Intl would refuse", () => {
    expect(() => formatGrouped(1, -1)).toThrow(/decimals must be a whole number from 0 to 20, got -1/);
    expect(() => formatGrouped(1, 1.5)).toThrow(RangeError);
  });
});
