import { describe, expect, it } from "vitest";
import { formatNumber } from "./format-number.js";

describe("formatNumber", () => {
  it("drops float noise and needless digits but keeps real precision", () => {
    expect(formatNumber(3803.5600000000004)).toBe("3803.56");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(0.00012)).toBe("0.00012");
    expect(formatNumber(27350.5)).toBe("27350.5");
    expect(formatNumber(123456.789012)).toBe("123456.789012");
  });

  it("writes what is not a finite number as JavaScript does", () => {
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
  });
});
