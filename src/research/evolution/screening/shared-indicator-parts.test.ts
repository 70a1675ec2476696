import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../../data/simulated/index.js";
import { BatchColumns } from "../../../strategy/columns.js";
import type { IndicatorDeclaration } from "../../../strategy/spec/schema.js";
import { SharedIndicatorParts } from "./shared-indicator-parts.js";

const series = simulateMarket({ seed: 7, bars: 1500 }).series;

/** Bit-for-bit equality, NaN included (toEqual on typed arrays would accept -0 for 0). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe("SharedIndicatorParts", () => {
  const declarations: [IndicatorDeclaration, string][] = [];
  for (const period of [2, 15, 20, 25])
    for (const width of [1.5, 1.87, 2, 2.5]) {
      const bb: IndicatorDeclaration = { type: "bbands", period, nbdevup: width, nbdevdn: width + 0.25 };
      declarations.push([bb, "upper"], [bb, "lower"], [bb, "middle"]);
    }
  for (const [fast, slow] of [
    [8, 20],
    [15, 30],
    [26, 12],
  ] as const)
    for (const signal of [1, 7, 12]) {
      const m: IndicatorDeclaration = { type: "macd", fastPeriod: fast, slowPeriod: slow, signalPeriod: signal };
      declarations.push([m, "macd"], [m, "signal"], [m, "histogram"]);
    }
  declarations.push([{ type: "bbands", period: 20, source: "hl2" }, "upper"]);
  declarations.push([{ type: "macd", source: "open" }, "histogram"]);

  it("gives every Bollinger band and MACD output bit for bit as the indicator itself (BatchColumns)", () => {
    const parts = new SharedIndicatorParts(new BatchColumns(series), series.length);
    const reference = new BatchColumns(series);
    for (const [declaration, output] of declarations) {
      const ours = parts.indicator(declaration, output);
      const theirs = reference.indicator(declaration, output).values;
      expect(sameBits(ours, theirs), `${JSON.stringify(declaration)}.${output}`).toBe(true);
    }
  });

  it("returns the same column again, and still the right one after its bound evicted older columns", () => {
    const parts = new SharedIndicatorParts(new BatchColumns(series), series.length, 16 * 8 * series.length);
    const first: IndicatorDeclaration = { type: "bbands", period: 20, nbdevup: 2, nbdevdn: 2 };
    const column = parts.indicator(first, "upper");
    expect(parts.indicator(first, "upper")).toBe(column);
    for (let w = 0; w < 40; w++) parts.indicator({ type: "bbands", period: 20, nbdevup: 1 + w / 20 }, "upper");
    const again = parts.indicator(first, "upper");
    expect(again).not.toBe(column);
    expect(sameBits(again, column)).toBe(true);
  });
});
