import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinSpec, builtinStrategyNames, loadStrategy, resolveSpec } from "../registry.js";
import { compileSpec, SpecError } from "./compile.js";
import { parseSpec, serializeSpec, validateSpec } from "./parse.js";

const minimal = {
  name: "t",
  indicators: { fast: { type: "sma", period: 3 }, slow: { type: "sma", period: 5 } },
  entry: { long: { crossAbove: ["fast", "slow"] } },
  exit: { long: { crossBelow: ["fast", "slow"] } },
};

describe("strategy spec", () => {
  it("round-trips every built-in through YAML and JSON", () => {
    for (const name of builtinStrategyNames()) {
      const spec = builtinSpec(name);
      expect(spec, name).toBeDefined();
      for (const format of ["yaml", "json"] as const) {
        const text = serializeSpec(spec!, format);
        const again = parseSpec(text);
        expect(again, `${name} ${format}`).toEqual(spec);
        expect(serializeSpec(again, format)).toBe(text);
      }
    }
  });

  it("round-trips generated specs (parse → serialize → parse)", () => {
    const operand = fc.oneof(
      fc.constantFrom("close", "fast", "slow", "$level"),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    );
    const leaf = fc.oneof(
      fc.tuple(operand, operand).map((pair) => ({ gt: pair })),
      fc.tuple(operand, operand).map((pair) => ({ crossAbove: pair })),
      fc.tuple(operand, operand, operand).map((triple) => ({ between: triple })),
    );
    const condition = fc.oneof(
      leaf,
      fc.array(leaf, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    );
    fc.assert(
      fc.property(condition, condition, fc.boolean(), (entry, exit, short) => {
        const spec = validateSpec({
          ...minimal,
          parameters: { level: { default: 50 } },
          entry: { long: entry },
          exit: { long: exit },
          allowShort: short,
        });
        const again = parseSpec(serializeSpec(spec, "yaml"));
        expect(again).toEqual(spec);
        compileSpec(again);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    [{ ...minimal, name: undefined }, /name/],
    [{ ...minimal, entry: { long: { crossAbove: ["fast"] } } }, /entry\.long\.crossAbove/],
    [{ ...minimal, indicators: { fast: { type: "smaa", period: 3 } } }, /indicators\.fast\.type/],
    [{ ...minimal, indicators: { fast: { type: "sma", period: 3, perod: 4 } } }, /unknown key indicators\.fast\.perod/],
    [{ ...minimal, exits: { stopLoss: 2 } }, /unknown key exits\.stopLoss/],
    [{ ...minimal, sizing: { type: "all-in", value: 1 } }, /sizing\.type/],
    [{ ...minimal, extra: true }, /unknown key extra/],
  ])("rejects an invalid spec naming the field (%#)", (input, message) => {
    expect(() => validateSpec(input)).toThrowError(message);
  });

  it("rejects references to undeclared indicators and outputs at compile time", () => {
    const typo = validateSpec({ ...minimal, entry: { long: { crossAbove: ["fats", "slow"] } } });
    expect(() => compileSpec(typo)).toThrowError(/entry\.long\.crossAbove\.0: unknown reference "fats"/);
    const output = validateSpec({ ...minimal, entry: { long: { gt: ["fast.upper", "slow"] } } });
    expect(() => compileSpec(output)).toThrowError(/has no output "upper"/);
  });

  it("rejects an indicator period that is not a whole number", () => {
    const input = { ...minimal, indicators: { ...minimal.indicators, fast: { type: "sma", period: 2.5 } } };
    expect(() => validateSpec(input)).toThrowError(/indicators\.fast\.period: must be a whole number from 2/);
  });

  it("rejects text that is not YAML or JSON", () => {
    expect(() => parseSpec("name: [unclosed")).toThrowError(SpecError);
  });

  it("applies parameter overrides and checks their range", () => {
    const strategy = loadStrategy("sma-cross", { fast: 5, slow: 50 });
    expect(strategy.parameters).toMatchObject({ fast: 5, slow: 50, short: 0, stopLoss: 0 });
    expect(() => loadStrategy("sma-cross", { slow: 0 })).toThrowError(/parameter slow: 0 is below the minimum 2/);
    expect(() => loadStrategy("sma-cross", { fast: 2.5 })).toThrowError(/must be an integer/);
  });

  it("switches shorts and stops on through standard parameters", () => {
    expect(loadStrategy("sma-cross").allowShort).toBe(false);
    expect(loadStrategy("sma-cross", { short: 1 }).allowShort).toBe(true);
  });

  it("names the built-ins when a strategy is unknown", () => {
    expect(() => resolveSpec("smacross")).toThrowError(/unknown strategy "smacross" \(built-in: sma-cross/);
  });
});
