import { describe, expect, it } from "vitest";
import { detectRegimes, RegimeStream, regimeColumn } from "./detect-regimes.js";
import { REGIME_CODE, regimeConfigSchema, regimeOptionsFromParameters, regimeParameters } from "./regime-config.js";

/** A deterministic zig-zag series: a long calm range, then a steady rise, then a collapse. */
function syntheticSeries() {
  const close: number[] = [];
  for (let i = 0; i < 300; i++) close.push(100 + (i % 2 === 0 ? 0.3 : -0.3));
  for (let i = 0; i < 120; i++) close.push(100 * 1.004 ** (i + 1) + (i % 2 === 0 ? 0.2 : -0.2));
  const top = close[close.length - 1] as number;
  for (let i = 0; i < 30; i++) close.push(top * 0.985 ** (i + 1));
  const high = close.map((c) => c * 1.002);
  const low = close.map((c) => c * 0.998);
  return { high, low, close };
}

const options = { percentileWindow: 100, drawdownLookback: 48, returnLookback: 12, maPeriod: 30 };

describe("detectRegimes", () => {
  it("warms up with -1, then finds sideways in the range, bull in the rise and crash in the collapse", () => {
    const codes = detectRegimes(syntheticSeries(), options);
    expect(codes[0]).toBe(-1);
    expect(codes[110]).toBe(-1);
    expect(codes[250]).toBe(REGIME_CODE.sideways);
    expect(codes[410]).toBe(REGIME_CODE.bull);
    expect(codes[449]).toBe(REGIME_CODE.crash);
  });

  it("streams the same codes bar by bar, and peek equals the next update", () => {
    const s = syntheticSeries();
    const batch = detectRegimes(s, options);
    const stream = new RegimeStream(options);
    for (let i = 0; i < s.close.length; i++) {
      const bar = { high: s.high[i]!, low: s.low[i]!, close: s.close[i]! };
      const peeked = stream.peek(bar);
      expect(stream.update(bar)).toBe(peeked);
      expect(peeked).toBe(batch[i]);
    }
    stream.reset();
    expect(stream.update({ high: 1, low: 1, close: 1 })).toBe(-1);
  });

  it("gives the catalog a Float64Array column and round-trips its numeric parameters", () => {
    const s = syntheticSeries();
    expect(Array.from(regimeColumn(s.high, s.low, s.close, options))).toEqual(Array.from(detectRegimes(s, options)));
    const params = regimeParameters();
    expect(params).toMatchObject({ maPeriod: 50, percentileWindow: 720, holdTrend: 1, crashReturn: -0.05 });
    expect(regimeOptionsFromParameters({ ...params, holdTrend: 0 }).holdTrend).toBe(false);
    expect(regimeParameters({ maPeriod: 100, holdTrend: false })).toMatchObject({ maPeriod: 100, holdTrend: 0 });
  });

  it("rejects columns of different lengths and invalid parameters, naming them", () => {
    expect(() => detectRegimes({ high: [1, 2], low: [1], close: [1, 2] })).toThrow(/same length \(got 2, 1, 2\)/);
    expect(() => detectRegimes({ high: [], low: [], close: [] }, { rangeAdx: 30 })).toThrow(/rangeAdx/);
    expect(() => detectRegimes({ high: [], low: [], close: [] }, { maPeriod: 1 })).toThrow(/maPeriod/);
  });
});

describe("regime config section", () => {
  it("defaults to enabled with the documented parameters and rejects unknown keys", () => {
    expect(regimeConfigSchema.parse({})).toMatchObject({
      enabled: true,
      adxPeriod: 14,
      maPeriod: 50,
      trendAdx: 25,
      rangeAdx: 20,
      highVolatilityPercentile: 90,
      crashDrawdown: 0.1,
      crashReturn: -0.05,
      holdTrend: true,
    });
    expect(() => regimeConfigSchema.parse({ maPeriodd: 20 })).toThrow(/maPeriodd/);
    expect(() => regimeConfigSchema.parse({ trendAdx: 15 })).toThrow(/rangeAdx must not exceed trendAdx/);
  });
});
