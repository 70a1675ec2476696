import { describe, expect, it } from "vitest";
import { compileDateFormat, epochToMs, parseIsoDate, parseTimestamp, tryParseTimestamp } from "./parse-timestamp.js";

const NEW_YEAR_2024 = Date.UTC(2024, 0, 1);

describe("epochToMs", () => {
  it("reads the unit from the magnitude: seconds, milliseconds, microseconds, nanoseconds", () => {
    expect(epochToMs(1_704_067_200)).toBe(NEW_YEAR_2024);
    expect(epochToMs(1_704_067_200_000)).toBe(NEW_YEAR_2024);
    expect(epochToMs(1_704_067_200_000_000)).toBe(NEW_YEAR_2024);
    expect(epochToMs(1_704_067_200_000_000_000)).toBe(NEW_YEAR_2024);
  });

  it("keeps fractional seconds as whole milliseconds", () => {
    expect(epochToMs(1_704_067_200.5)).toBe(NEW_YEAR_2024 + 500);
    expect(epochToMs(1_704_067_200.123)).toBe(NEW_YEAR_2024 + 123);
  });

  it("switches from seconds to milliseconds at 1e11 (a ms value before 1973-03-03 reads as seconds)", () => {
    expect(epochToMs(99_999_999_999)).toBe(99_999_999_999_000);
    expect(epochToMs(100_000_000_000)).toBe(100_000_000_000);
  });
});

describe("parseTimestamp", () => {
  it("parses epoch numbers in text", () => {
    expect(parseTimestamp("1704067200")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("1704067200000")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp(" 1704067200000 ")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("1704067200000000")).toBe(NEW_YEAR_2024);
  });

  it("parses a bare ISO date as midnight UTC", () => {
    expect(parseTimestamp("2024-01-01")).toBe(NEW_YEAR_2024);
  });

  it("parses ISO date-times with Z, an offset, or no zone (UTC)", () => {
    expect(parseTimestamp("2024-01-01T00:00:00Z")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("2024-01-01T00:00:00")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("2024-01-01 00:00")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("2019-01-01 00:00:00+00:00")).toBe(Date.UTC(2019, 0, 1));
    expect(parseTimestamp("2024-01-01T05:30:00+05:30")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("2023-12-31T16:00:00-0800")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("2024-01-01T01:00:00+01")).toBe(NEW_YEAR_2024);
  });

  it("keeps milliseconds of a fractional ISO time and ignores finer digits", () => {
    expect(parseTimestamp("2024-01-01T00:00:00.123Z")).toBe(NEW_YEAR_2024 + 123);
    expect(parseTimestamp("2024-01-01T00:00:00.5Z")).toBe(NEW_YEAR_2024 + 500);
    expect(parseTimestamp("2024-01-01T00:00:00.123456789Z")).toBe(NEW_YEAR_2024 + 123);
  });

  it("parses the compact Lean form 20240101 00:00", () => {
    expect(parseTimestamp("20240101 00:00")).toBe(NEW_YEAR_2024);
    expect(parseTimestamp("20240101 13:30:00")).toBe(NEW_YEAR_2024 + 13.5 * 3_600_000);
  });

  it("rejects impossible dates and times naming the text", () => {
    expect(() => parseTimestamp("2024-02-30")).toThrow(/"2024-02-30"/);
    expect(() => parseTimestamp("2024-13-01")).toThrow(/"2024-13-01"/);
    expect(() => parseTimestamp("2024-01-01T24:00:00Z")).toThrow(RangeError);
    expect(() => parseTimestamp("2024-01-01T00:60:00Z")).toThrow(RangeError);
    expect(() => parseTimestamp("2024-01-01T00:00:00+25:00")).toThrow(RangeError);
  });

  it("accepts 29 February only in leap years", () => {
    expect(parseTimestamp("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
    expect(tryParseTimestamp("2023-02-29")).toBeNaN();
  });

  it("rejects text that is no date, empty text and non-finite numbers", () => {
    for (const text of ["", "abc", "2/6/2013 12:00:00 AM", "Infinity", "NaN", "2024-01", "2024-0101"]) {
      expect(tryParseTimestamp(text), text).toBeNaN();
    }
    expect(() => parseTimestamp("yesterday")).toThrow(/"yesterday" is neither an epoch number/);
  });
});

describe("parseIsoDate", () => {
  it("does not treat a zone-less date-time as local time the way Date.parse does", () => {
    expect(parseIsoDate("2024-06-15T12:00:00")).toBe(Date.UTC(2024, 5, 15, 12));
  });
});

describe("compileDateFormat", () => {
  it("reads day-first, month-first and dotted formats with optional seconds and milliseconds", () => {
    expect(compileDateFormat("DD/MM/YYYY HH:mm")("05/03/2024 14:30")).toBe(Date.UTC(2024, 2, 5, 14, 30));
    expect(compileDateFormat("MM/DD/YYYY")("05/03/2024")).toBe(Date.UTC(2024, 4, 3));
    expect(compileDateFormat("YYYY.MM.DD HH:mm:ss.SSS")("2024.03.05 14:30:15.25")).toBe(
      Date.UTC(2024, 2, 5, 14, 30, 15, 250),
    );
  });

  it("returns NaN for text that does not match or an impossible date, never a guess", () => {
    const parse = compileDateFormat("DD/MM/YYYY");
    expect(parse("2024-03-05")).toBeNaN();
    expect(parse("30/02/2024")).toBeNaN();
    expect(parse("05/13/2024")).toBeNaN();
  });

  it("refuses an unknown token, a repeated one or a format without a full date", () => {
    expect(() => compileDateFormat("DD/MM/YY")).toThrow('"Y" is not a token');
    expect(() => compileDateFormat("DD/DD/YYYY")).toThrow("DD appears twice");
    expect(() => compileDateFormat("MM/YYYY")).toThrow('date format "MM/YYYY" has no DD');
  });
});
