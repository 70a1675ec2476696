import { describe, expect, it } from "vitest";
import { asOhlcvRows, findInvalidBar } from "./ohlcv-validation.js";

const T = Date.UTC(2024, 0, 1);
const H = 3_600_000;
const iso = (time: number): string => new Date(time).toISOString();

describe("findInvalidBar", () => {
  it("accepts sound bars, zero volume included", () => {
    expect(
      findInvalidBar([
        [T, 10, 12, 9, 11, 5],
        [T + H, 11, 11, 11, 11, 0],
      ]),
    ).toBeUndefined();
  });

  it("names the bar with high below low", () => {
    expect(
      findInvalidBar([
        [T, 10, 12, 9, 11, 5],
        [T + H, 10, 9, 12, 11, 5],
      ]),
    ).toBe(`bar ${iso(T + H)} (${T + H}) has high 9 below low 12`);
  });

  it("names the bar with a NaN or missing value", () => {
    expect(findInvalidBar([[T, 10, Number.NaN, 9, 11, 5]])).toBe(`bar ${iso(T)} (${T}) has high NaN`);
    expect(findInvalidBar([[T, 10, 12, 9, 11, undefined]])).toBe(`bar ${iso(T)} (${T}) has volume undefined`);
  });

  it("names the bar with a non-positive price or negative volume", () => {
    expect(findInvalidBar([[T, 0, 12, 0, 11, 5]])).toBe(`bar ${iso(T)} (${T}) has non-positive open 0`);
    expect(findInvalidBar([[T, 10, 12, 9, 11, -1]])).toBe(`bar ${iso(T)} (${T}) has negative volume -1`);
  });

  it("names a bar whose open or close lies outside its high-low range", () => {
    expect(findInvalidBar([[T, 13, 12, 9, 11, 5]])).toBe(`bar ${iso(T)} (${T}) has high 12 below open 13 or close 11`);
    expect(findInvalidBar([[T, 10, 12, 9, 8, 5]])).toBe(`bar ${iso(T)} (${T}) has low 9 above open 10 or close 8`);
  });

  it("names a bar out of order or repeated, also against the previous page", () => {
    expect(
      findInvalidBar([
        [T + H, 10, 12, 9, 11, 5],
        [T, 10, 12, 9, 11, 5],
      ]),
    ).toContain(`bar ${iso(T)} (${T}) is not after`);
    expect(findInvalidBar([[T, 10, 12, 9, 11, 5]], T)).toContain("is not after the previous bar");
  });

  it("names a row without a usable time", () => {
    expect(findInvalidBar([[undefined, 10, 12, 9, 11, 5]])).toBe("row 0 has no valid open time (undefined)");
  });
});

describe("asOhlcvRows", () => {
  it("keeps the first six fields", () => {
    expect(asOhlcvRows([[T, 1, 2, 0.5, 1.5, 7, "extra"]])).toEqual([[T, 1, 2, 0.5, 1.5, 7]]);
  });
});
