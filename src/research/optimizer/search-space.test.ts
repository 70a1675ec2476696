import { describe, expect, it } from "vitest";
import { builtinSpec } from "../../strategy/registry.js";
import { DEFAULT_SPACES, orderingConstraint, parseSpace, resolveSpace } from "./search-space.js";

const ema = builtinSpec("ema-cross");
const atl = builtinSpec("atl-technical");

describe("search spaces", () => {
  if (!ema || !atl) throw new Error("built-ins");

  it("reads --space entries with the spec's integer-ness", () => {
    expect(parseSpace(["fast=5:20", "slow=15:50"], ema)).toEqual({
      fast: { low: 5, high: 20, integer: true },
      slow: { low: 15, high: 50, integer: true },
    });
  });

  it.each([
    ["fast=5-20", /expected name=low:high/],
    ["fastt=5:20", /ema-cross has no parameter "fastt" \(it has fast, slow/],
    ["fast=1:20", /1 is below the smallest value ema-cross accepts \(2\)/],
    ["slow=15:5000", /5000 is above the largest value ema-cross accepts \(1000\)/],
    ["fast=20:5", /low must be below high/],
  ])("refuses %s naming the problem", (entry, message) => {
    expect(() => parseSpace([entry], ema)).toThrow(message);
  });

  it("defaults to Algo Trading Lab's ranges, each inside what the strategy accepts", () => {
    expect(resolveSpace([], atl)).toBe(DEFAULT_SPACES["atl-technical"]);
    for (const [name, space] of Object.entries(DEFAULT_SPACES)) {
      const spec = builtinSpec(name);
      if (!spec) throw new Error(`${name} is not a built-in`);
      for (const [param, range] of Object.entries(space)) {
        const declared = spec.parameters[param];
        expect(declared, `${name}.${param}`).toBeDefined();
        expect(range.low).toBeGreaterThanOrEqual(declared?.min ?? -Infinity);
        expect(range.high).toBeLessThanOrEqual(declared?.max ?? Infinity);
      }
    }
  });

  it("keeps fast below slow, MACD fast below slow and oversold below overbought", () => {
    const ok = orderingConstraint(DEFAULT_SPACES["atl-technical"] ?? {});
    const base = { fast: 10, slow: 30, macdFast: 12, macdSlow: 26, oversold: 30, overbought: 70 };
    expect(ok(base)).toBe(true);
    expect(ok({ ...base, fast: 30, slow: 20 })).toBe(false);
    expect(ok({ ...base, macdFast: 27 })).toBe(false);
  });
});
