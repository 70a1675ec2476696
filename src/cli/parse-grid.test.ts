import { describe, expect, it } from "vitest";
import { parseGridOptions } from "./parse-grid.js";

describe("parseGridOptions", () => {
  it("reads lists and inclusive ranges", () => {
    expect(parseGridOptions(["fast=5,10,20", "slow=50:200:50", "k=0.5:1.5:0.5"])).toEqual({
      fast: [5, 10, 20],
      slow: [50, 100, 150, 200],
      k: [0.5, 1, 1.5],
    });
  });
  it("rejects malformed grids naming the parameter", () => {
    expect(() => parseGridOptions(["fast"])).toThrowError(/expected name=values/);
    expect(() => parseGridOptions(["fast=5,x"])).toThrowError(/--grid fast: "x" is not a number/);
    expect(() => parseGridOptions(["fast=9:1:1"])).toThrowError(/from <= to/);
    expect(() => parseGridOptions(["fast=1", "fast=2"])).toThrowError(/given twice/);
  });
});
