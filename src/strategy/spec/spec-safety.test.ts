import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { builtinSpec, builtinStrategyNames } from "../registry.js";
import { strategySpecJsonSchema } from "./json-schema.js";
import { parseSpec, validateSpec } from "./parse.js";
import { SPEC_LIMITS } from "./schema.js";
import { canonicalJson, specHash } from "./spec-hash.js";

const base = {
  name: "t",
  indicators: { fast: { type: "sma", period: 3 }, slow: { type: "sma", period: 5 } },
  entry: { long: { crossAbove: ["fast", "slow"] } },
};

function notChain(depth: number): unknown {
  let condition: unknown = { gt: ["close", 1] };
  for (let i = 0; i < depth; i++) condition = { not: condition };
  return condition;
}

describe("spec bounds", () => {
  it("refuses a 2,000-deep not chain with a message naming the limit, without overflowing the stack", () => {
    const spec = { ...base, entry: { long: notChain(2000) } };
    expect(() => validateSpec(spec)).toThrowError(/nested deeper than 64 levels \(the limit\)/);
    expect(() => parseSpec(JSON.stringify(spec))).toThrowError(/nested too deeply .*limits are 64/);
  });

  it("refuses a deep block-style YAML document before the YAML parser recurses", () => {
    const lines = ["name: t", "entry:", "  long:"];
    for (let i = 0; i < 900; i++) lines.push(`${" ".repeat(4 + 2 * i)}not:`);
    lines.push(`${" ".repeat(4 + 1800)}gt: [close, 1]`);
    expect(() => parseSpec(lines.join("\n"))).toThrowError(/nested too deeply .*indentation/);
  });

  it("refuses conditions nested deeper than the condition limit", () => {
    const ok = { ...base, entry: { long: notChain(SPEC_LIMITS.conditionDepth - 1) } };
    expect(() => validateSpec(ok)).not.toThrow();
    const deep = { ...base, entry: { long: notChain(SPEC_LIMITS.conditionDepth) } };
    expect(() => validateSpec(deep)).toThrowError(/nested deeper than 32 levels \(the limit\)/);
  });

  it("refuses a 50,000-wide any naming the limit of one list", () => {
    const any = Array.from({ length: 50_000 }, () => ({ gt: ["close", 1] }));
    expect(() => validateSpec({ ...base, entry: { long: { any } } })).toThrowError(
      /entry\.long\.any: 50000 conditions, more than the limit of 100 in one list/,
    );
  });

  it("refuses more conditions in total than the limit", () => {
    const list = () => ({ any: Array.from({ length: 100 }, () => ({ gt: ["close", 1] })) });
    const all = Array.from({ length: 11 }, list);
    expect(() => validateSpec({ ...base, entry: { long: { all } } })).toThrowError(/more than 1000 conditions/);
  });

  it("refuses spec text longer than the limit", () => {
    expect(() => parseSpec(`name: t\ndescription: "${"x".repeat(SPEC_LIMITS.textLength)}"`)).toThrowError(
      /more than the limit of 1000000/,
    );
  });
});

describe("unknown names", () => {
  it("names the condition the author wrote and suggests the closest one", () => {
    const spec = { ...base, entry: { long: { crossOver: ["fast", "slow"] } } };
    let message = "";
    try {
      validateSpec(spec);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("unknown condition entry.long.crossOver (did you mean crossAbove?)");
    expect(message).not.toContain("entry.long.crossAbove");
  });

  it.each([
    [
      { ...base, indicators: { fast: { type: "emaa", period: 3 } } },
      'indicators.fast.type: unknown indicator type "emaa" (did you mean ema?)',
    ],
    [
      { ...base, indicators: { fast: { type: "sma", perod: 3 } } },
      "unknown key indicators.fast.perod: sma takes period (did you mean period?)",
    ],
    [{ ...base, entyr: {} }, "unknown key entyr (did you mean entry?)"],
    [{ ...base, exits: { stopLossPc: 2 } }, "unknown key exits.stopLossPc (did you mean stopLossPct?)"],
    [{ ...base, parameters: { a: { defualt: 1 } } }, "unknown key parameters.a.defualt (did you mean default?)"],
    [{ ...base, entry: { lnog: { gt: ["close", 1] } } }, "unknown key entry.lnog (did you mean long?)"],
    [
      { ...base, entry: { long: { all: [{ lt: ["close", 1] }, { btween: ["close", 1, 2] }] } } },
      "unknown condition entry.long.all.1.btween (did you mean between?)",
    ],
    [
      { ...base, entry: { long: { gt: [{ ref: "fast", agoo: 1 }, 1] } } },
      "unknown key entry.long.gt.0.agoo (did you mean ago?)",
    ],
  ])("reports an unknown name under the key written, with a suggestion (%#)", (spec, message) => {
    expect(() => validateSpec(spec)).toThrowError(message);
  });

  it("suggests nothing when no valid name is close", () => {
    expect(() => validateSpec({ ...base, entry: { long: { banana: [1, 2] } } })).toThrowError(
      /unknown condition entry\.long\.banana$/m,
    );
  });
});

describe("indicator parameters per type", () => {
  it.each([
    [{ type: "sma", period: 3, nbdev: -5 }, "unknown key indicators.x.nbdev: sma takes period"],
    [{ type: "atr", source: "open" }, "unknown key indicators.x.source: atr takes period"],
    [{ type: "obv", period: 3 }, "unknown key indicators.x.period: obv takes no parameters"],
    [{ type: "sma", period: 1 }, "indicators.x.period: must be a whole number from 2 to 1000000"],
    [{ type: "sma", period: 1e9 }, "indicators.x.period: must be a whole number from 2 to 1000000"],
    [{ type: "bbands", nbdevup: -1 }, "indicators.x.nbdevup: must be a number > 0 and <= 100"],
    [{ type: "stddev", nbdev: 0 }, "indicators.x.nbdev: must be a number > 0 and <= 100"],
    [{ type: "macd", signalPeriod: 0 }, "indicators.x.signalPeriod: must be a whole number from 1 to 1000000"],
    [{ type: "regime", crashReturn: 0.5 }, "indicators.x.crashReturn: must be a number > -1 and < 0"],
  ])("refuses %o", (declaration, message) => {
    expect(() => validateSpec({ ...base, indicators: { ...base.indicators, x: declaration } })).toThrowError(message);
  });

  it("accepts the regime detector's own parameters", () => {
    const spec = validateSpec({ ...base, indicators: { ...base.indicators, r: { type: "regime", maPeriod: 100 } } });
    expect(spec.indicators.r).toEqual({ type: "regime", maPeriod: 100 });
  });
});

describe("spec hash", () => {
  it("is the same for the same spec with keys in another order, and differs when a value changes", () => {
    const a = validateSpec({ ...base, exits: { stopLossPct: 2, takeProfitPct: 4 } });
    const reordered = validateSpec({
      exits: { takeProfitPct: 4, stopLossPct: 2 },
      entry: { long: { crossAbove: ["fast", "slow"] } },
      indicators: { slow: { period: 5, type: "sma" }, fast: { period: 3, type: "sma" } },
      name: "t",
    });
    expect(specHash(reordered)).toBe(specHash(a));
    expect(specHash(a)).toMatch(/^[0-9a-f]{64}$/);
    const changed = validateSpec({ ...base, exits: { stopLossPct: 2.5, takeProfitPct: 4 } });
    expect(specHash(changed)).not.toBe(specHash(a));
  });

  it("ignores the name and descriptions, which change nothing a spec trades", () => {
    const a = validateSpec(base);
    const renamed = validateSpec({ ...base, name: "other", description: "the same rules" });
    expect(specHash(renamed)).toBe(specHash(a));
  });

  it("writes canonical JSON with sorted keys at every level", () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null, skip: undefined })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

describe("JSON Schema export", () => {
  const validate = new Ajv2020({ strict: false }).compile(strategySpecJsonSchema());

  it("accepts every built-in spec", () => {
    for (const name of builtinStrategyNames()) {
      const spec = builtinSpec(name);
      expect(validate(JSON.parse(JSON.stringify(spec))), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("rejects what the schema rejects: an unknown condition, an unknown indicator parameter, a bad period", () => {
    expect(validate({ ...base, entry: { long: { crossOver: ["fast", "slow"] } } })).toBe(false);
    expect(validate({ ...base, indicators: { x: { type: "sma", nbdev: 2 } } })).toBe(false);
    expect(validate({ ...base, indicators: { x: { type: "sma", period: 1 } } })).toBe(false);
    expect(validate(base)).toBe(true);
  });
});
