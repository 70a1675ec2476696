import { describe, expect, it } from "vitest";
import { resolveSpec } from "../strategy/registry.js";
import { cartesian, combinationCount, validateGrid } from "./parameter-grid.js";

const smaCross = resolveSpec("sma-cross");

describe("cartesian", () => {
  it("expands like nested loops: first key outermost, last key fastest, values in list order", () => {
    expect(cartesian({ fast: [5, 10], slow: [50, 100, 200] })).toEqual([
      { fast: 5, slow: 50 },
      { fast: 5, slow: 100 },
      { fast: 5, slow: 200 },
      { fast: 10, slow: 50 },
      { fast: 10, slow: 100 },
      { fast: 10, slow: 200 },
    ]);
  });

  it("gives one empty combination for an empty grid (the strategy's defaults)", () => {
    expect(cartesian({})).toEqual([{}]);
  });

  it("counts combinations without expanding them", () => {
    expect(combinationCount({ a: [1, 2, 3], b: [1, 2], c: [7] })).toBe(6);
    expect(cartesian({ a: [1, 2, 3], b: [1, 2], c: [7] })).toHaveLength(6);
  });
});

describe("validateGrid", () => {
  it("accepts values inside the declared ranges", () => {
    expect(() => validateGrid(smaCross, { fast: [5, 10], slow: [50, 100] }, { stopLoss: 2 })).not.toThrow();
  });

  it("rejects an unknown parameter naming it and listing the known ones", () => {
    expect(() => validateGrid(smaCross, { fats: [5] })).toThrow(
      /grid\.fats: unknown parameter \(parameters: fast, slow/,
    );
  });

  it("rejects an empty list naming the parameter", () => {
    expect(() => validateGrid(smaCross, { fast: [] })).toThrow(/grid\.fast: needs a non-empty list/);
  });

  it("rejects a value outside the declared range naming parameter, index and bound", () => {
    expect(() => validateGrid(smaCross, { slow: [50, 5000] })).toThrow(
      /grid\.slow\[1\]: .*5000 is above the maximum 1000/,
    );
    expect(() => validateGrid(smaCross, { fast: [0] })).toThrow(/grid\.fast\[0\]: .*0 is below the minimum 2/);
  });

  it("rejects a fraction for an integer parameter and a duplicate value", () => {
    expect(() => validateGrid(smaCross, { fast: [2.5] })).toThrow(/grid\.fast\[0\]: .*must be an integer, got 2.5/);
    expect(() => validateGrid(smaCross, { fast: [5, 5] })).toThrow(/grid\.fast\[1\]: duplicate value 5/);
  });

  it("reports every problem at once", () => {
    let message = "";
    try {
      validateGrid(smaCross, { fast: [], slow: [0], nope: [1] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/grid\.fast: needs/);
    expect(message).toMatch(/grid\.slow\[0\]/);
    expect(message).toMatch(/grid\.nope: unknown/);
  });

  it("rejects a fixed parameter that is also in the grid, and bad fixed values", () => {
    expect(() => validateGrid(smaCross, { fast: [5] }, { fast: 5 })).toThrow(
      /fast is both a fixed parameter and in the grid/,
    );
    expect(() => validateGrid(smaCross, {}, { stopLoss: 200 })).toThrow(/params\.stopLoss: .*above the maximum 90/);
  });
});
