import { describe, expect, it } from "vitest";
import { floorToStep, roundToStep } from "./instrument.js";

describe("floorToStep / roundToStep", () => {
  it("floors to the lot, and a value that is a whole number of lots stays whole despite binary noise", () => {
    expect(floorToStep(0.30000000000000004, 0.1)).toBe(0.3);
    expect(floorToStep(0.123456, 0.00001)).toBe(0.12345);
    // 2.572678157 / 1e-9 is 2572678156.9999995 in binary: a fixed epsilon lost one lot (a fractional share).
    expect(floorToStep(2.572678157, 1e-9)).toBe(2.572678157);
    expect(floorToStep(2.5726781579624, 1e-9)).toBe(2.572678157);
    expect(floorToStep(123_456.789, 0.001)).toBe(123_456.789);
    expect(floorToStep(5, 0)).toBe(5);
  });

  it("rounds to the nearest step", () => {
    expect(roundToStep(101.234, 0.01)).toBe(101.23);
    expect(roundToStep(101.235000001, 0.01)).toBe(101.24);
  });
});
