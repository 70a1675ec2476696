import { describe, expect, it } from "vitest";
import { validateGrid } from "../../backtest/parameter-grid.js";
import { strategyLookback } from "../../backtest/strategy-warmup.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { BatchColumns, StreamingColumns } from "../columns.js";
import { builtinSpec, builtinStrategyNames, loadStrategy } from "../registry.js";
import { compileSpec } from "./compile.js";
import { INDICATOR_PARAMS } from "./indicator-params.js";
import { parameterUsages } from "./parameter-ranges.js";
import { validateSpec } from "./parse.js";
import { INDICATOR_TYPES, type IndicatorDeclaration } from "./schema.js";

const { series } = simulateMarket({ seed: 2, bars: 300 });

function computeBoth(declaration: IndicatorDeclaration): void {
  new BatchColumns(series).indicator(declaration);
  const streaming = new StreamingColumns();
  streaming.indicator(declaration);
  for (let i = 0; i < 5; i++) {
    streaming.append({
      time: series.time[i] as number,
      open: series.open[i] as number,
      high: series.high[i] as number,
      low: series.low[i] as number,
      close: series.close[i] as number,
      volume: series.volume[i] as number,
    });
  }
}

describe("indicator parameter ranges", () => {
  it("match what the indicators accept: every smallest allowed whole-number value computes, batch and streaming", () => {
    for (const type of INDICATOR_TYPES) {
      for (const [name, rule] of Object.entries(INDICATOR_PARAMS[type])) {
        if (!rule.integer || name === "holdTrend") continue;
        const declaration = { type, [name]: rule.min } as IndicatorDeclaration;
        expect(() => computeBoth(declaration), `${type}.${name}=${rule.min}`).not.toThrow();
        const below = { ...declaration, [name]: rule.min - 1 };
        expect(() =>
          validateSpec({ name: "t", indicators: { x: below }, entry: { long: { gt: ["close", 1] } } }),
        ).toThrow(/must be a whole number from/);
      }
    }
  });
});

describe("built-in parameter ranges", () => {
  it("declare exactly the lower bound of the indicator each parameter feeds, and compile at both ends", () => {
    for (const name of builtinStrategyNames()) {
      const spec = builtinSpec(name)!;
      for (const [parameter, usages] of parameterUsages(spec)) {
        const declared = spec.parameters[parameter]!;
        const accepted = Math.max(...usages.map((u) => u.rule.min));
        // Whole-number periods start where the indicator starts; real-valued ones (deviations > 0) inside.
        if (usages.every((u) => u.rule.integer)) {
          expect(declared.min, `${name}.${parameter}`).toBe(accepted);
          expect(declared.integer, `${name}.${parameter}`).toBe(true);
        } else expect(declared.min, `${name}.${parameter}`).toBeGreaterThan(accepted);
        for (const value of [declared.min!, declared.max!]) {
          const strategy = compileSpec(spec, { [parameter]: value });
          expect(strategyLookback(strategy, series), `${name}.${parameter}=${value}`).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it("refuses fast=1 for sma-cross up front, so a grid over fast=1:50 fails before any run", () => {
    expect(() => loadStrategy("sma-cross", { fast: 1 })).toThrowError(/parameter fast: 1 is below the minimum 2/);
    const spec = builtinSpec("sma-cross")!;
    const fast = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(() => validateGrid(spec, { fast, slow: [2, 100] }, {})).toThrowError(/fast.*1/);
  });
});

describe("spec parameter ranges", () => {
  const spec = (parameter: Record<string, unknown>) =>
    validateSpec({
      name: "t",
      parameters: { p: parameter },
      indicators: { m: { type: "sma", period: "$p" } },
      entry: { long: { gt: ["close", "m"] } },
    });

  it("refuses a declared range wider than the indicator the parameter feeds", () => {
    expect(() => spec({ default: 5, min: 1, max: 50, integer: true })).toThrowError(
      /parameters\.p\.min: 1 is outside what indicators\.m\.period accepts: a whole number from 2 to 1000000/,
    );
    expect(() => spec({ default: 5, min: 2, max: 50 })).toThrowError(/takes whole numbers; declare integer: true/);
    expect(() => spec({ default: 1 })).toThrowError(/parameters\.p\.default: 1 is outside/);
  });

  it("refuses a value the indicator would refuse even when the parameter declares no range", () => {
    const open = spec({ default: 5 });
    expect(() => compileSpec(open, { p: 1 })).toThrowError(
      /parameter p: 1 is not accepted: indicators\.m\.period must be a whole number from 2 to 1000000, got 1/,
    );
    expect(() => compileSpec(open, { p: 1e9 })).toThrowError(/from 2 to 1000000, got 1000000000/);
  });
});
