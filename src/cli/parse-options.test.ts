import { describe, expect, it } from "vitest";
import { numberOption, parseParams, positive, timeOption } from "./parse-options.js";

describe("command line option parsing", () => {
  it("reads numbers and names the option when a value is wrong", () => {
    expect(numberOption("cash", "5000", positive)).toBe(5000);
    expect(() => numberOption("cash", "lots", positive)).toThrowError(/--cash "lots" is not a number/);
    expect(() => numberOption("fee", "-0.1", positive)).toThrowError(/--fee -0.1: must be > 0/);
  });

  it("reads ISO dates as UTC and Unix milliseconds as they are", () => {
    expect(timeOption("from", "2020-01-01")).toBe(Date.UTC(2020, 0, 1));
    expect(timeOption("from", "2020-01-01T12:00")).toBe(Date.UTC(2020, 0, 1, 12));
    expect(timeOption("from", "1577836800000")).toBe(1577836800000);
    expect(() => timeOption("from", "yesterday")).toThrowError(/--from "yesterday" is not a date/);
  });

  it("reads a date alone as the whole day when it ends a range, and refuses days that do not exist", () => {
    expect(timeOption("to", "2022-12-31", "end-of-day")).toBe(Date.UTC(2023, 0, 1) - 1);
    expect(timeOption("to", "2022-12-31T12:00", "end-of-day")).toBe(Date.UTC(2022, 11, 31, 12));
    expect(() => timeOption("from", "2022-02-30")).toThrowError(/--from "2022-02-30": there is no such day/);
    expect(() => timeOption("to", "2023-02-29T10:00")).toThrowError(/no such day/);
    expect(timeOption("from", "2024-02-29")).toBe(Date.UTC(2024, 1, 29));
  });

  it("reads strategy parameters, booleans as 1/0, and rejects malformed ones", () => {
    expect(parseParams(["fast=10", "short=true", "stopLoss=2%"])).toEqual({ fast: 10, short: 1, stopLoss: 2 });
    expect(() => parseParams(["fast"])).toThrowError(/expected key=value/);
    expect(() => parseParams(["fast=x"])).toThrowError(/--param fast: "x" is not a number/);
    expect(() => parseParams(["fast=1", "fast=2"])).toThrowError(/given twice/);
  });
});
