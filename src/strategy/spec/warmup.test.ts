import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { BatchColumns } from "../columns.js";
import { INDICATOR_CATALOG } from "../indicator-catalog.js";
import { builtinSpec } from "../registry.js";
import { INDICATOR_PARAMS } from "./indicator-params.js";
import { validateSpec } from "./parse.js";
import { INDICATOR_TYPES, type IndicatorDeclaration } from "./schema.js";
import { indicatorLookback, specWarmup } from "./warmup.js";

const { series } = simulateMarket({ seed: 11, bars: 1500 });

/** First index whose value is defined: not NaN, and not -1 for the regime's codes. */
function firstDefined(values: Float64Array, regime: boolean): number {
  let i = 0;
  while (i < values.length && (Number.isNaN(values[i] as number) || (regime && values[i] === -1))) i++;
  return i;
}

describe("indicatorLookback", () => {
  it("equals the first defined index of every output of every indicator type, for random parameters", () => {
    const columns = new BatchColumns(series);
    for (const type of INDICATOR_TYPES) {
      const rules = INDICATOR_PARAMS[type];
      const periodNames = Object.keys(rules).filter((k) => rules[k]?.integer && k !== "holdTrend");
      // The regime's windows are long; keep them short enough that several draws fit in 1,500 bars.
      const max = type === "regime" ? 60 : 40;
      const draw = fc.record(
        Object.fromEntries(periodNames.map((k) => [k, fc.integer({ min: rules[k]?.min ?? 1, max })])),
      );
      fc.assert(
        fc.property(draw, (periods) => {
          const declaration = { type, ...periods } as IndicatorDeclaration;
          for (const output of INDICATOR_CATALOG[type].outputs) {
            const values = columns.indicator(declaration, output).values;
            expect(firstDefined(values, type === "regime"), `${type} ${output} ${JSON.stringify(periods)}`).toBe(
              indicatorLookback(declaration, output),
            );
          }
        }),
        { numRuns: 15, seed: 5 },
      );
    }
  });

  it("costs nothing for a huge period (computed from the parameters, not the data)", () => {
    expect(indicatorLookback({ type: "sma", period: 1_000_000 })).toBe(999_999);
  });
});

describe("specWarmup", () => {
  it("is the bars before sma-cross can first signal: the slow SMA's lookback plus the cross's previous bar", () => {
    const spec = builtinSpec("sma-cross");
    expect(spec).toBeDefined();
    expect(specWarmup(spec!, { fast: 10, slow: 30 })).toEqual({ bars: 30, longest: "indicators.slow (sma)" });
    expect(specWarmup(spec!, { fast: 2, slow: 1000 }).bars).toBe(1000);
  });

  it("adds how far back an operand reads", () => {
    const spec = builtinSpec("donchian-breakout");
    expect(specWarmup(spec!, { entry: 20, exit: 10 }).bars).toBe(20); // upper(20) lookback 19, read one bar ago
  });

  it("counts a higher-timeframe indicator in bars of the base timeframe", () => {
    const spec = validateSpec({
      name: "mtf",
      indicators: { daily: { type: "sma", period: 5, timeframe: "1d" } },
      entry: { long: { gt: ["close", "daily"] } },
    });
    // The 5th daily bar closes at the 120th hourly bar (index 119).
    expect(specWarmup(spec, {}, "1h").bars).toBe(119);
    expect(specWarmup(spec).bars).toBe(4);
    expect(() => specWarmup(spec, {}, "1w")).toThrowError(/on 1d bars cannot be computed from 1w data/);
  });
});
