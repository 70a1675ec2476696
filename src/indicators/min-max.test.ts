import { describe, expect, it } from "vitest";
import { MaxStream, MinStream, max, min } from "./min-max.js";
import { marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { randomSeries } from "./testing/random-bars.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();
const periods = [2, 5, 14, 21, 30, 50];

describe.skipIf(datasets.length === 0 || talib === undefined)("max/min against TA-Lib C", () => {
  for (const data of datasets) {
    for (const period of periods) {
      it(`equal TA-Lib MAX/MIN(${period}) on ${data.name} closes, highs and lows`, () => {
        for (const series of [data.close, data.high, data.low]) {
          const options = { optInTimePeriod: period };
          expectClose(max(series, period), talibRun("MAX", { inReal: series }, options).outReal!, 0, "MAX");
          expectClose(min(series, period), talibRun("MIN", { inReal: series }, options).outReal!, 0, "MIN");
        }
      });
    }
  }
});

describe("max/min", () => {
  it("take the extreme of the last period values, current included", () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(Array.from(max(values, 3))).toEqual([Number.NaN, Number.NaN, 4, 4, 5, 9, 9, 9]);
    expect(Array.from(min(values, 3))).toEqual([Number.NaN, Number.NaN, 1, 1, 1, 1, 2, 2]);
  });

  it("stay O(1) per bar in a steady downtrend, where a rescan would be O(period)", () => {
    const values = Float64Array.from({ length: 200_000 }, (_, i) => 1e6 - i);
    const out = max(values, 5000);
    expect(out[4999]).toBe(1e6);
    expect(out[199_999]).toBe(1e6 - 195_000);
  });

  it("return all NaN when the input is shorter than the period", () => {
    expect(Array.from(max([1, 2], 3))).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(min([], 3))).toEqual([]);
  });

  it("reject a period below TA-Lib's minimum of 2", () => {
    expect(() => max([1, 2, 3], 1)).toThrow(/max: period must be an integer >= 2, got 1/);
    expect(() => new MinStream(2.5)).toThrow(/MinStream/);
  });
});

describe("MaxStream / MinStream", () => {
  it("equal the batch functions bar by bar on real closes", () => {
    for (const data of datasets) {
      for (const period of periods) {
        const values = Array.from(data.close);
        expectClose(
          runStream(new MaxStream(period), values, (v) => v),
          max(data.close, period),
          0,
          "MaxStream",
        );
        expectClose(
          runStream(new MinStream(period), values, (v) => v),
          min(data.close, period),
          0,
          "MinStream",
        );
      }
    }
  });

  it("peek answers as if the bar closed now, without changing state", () => {
    const stream = new MaxStream(3);
    stream.update(5);
    expect(stream.peek(1)).toBeNaN();
    stream.update(2);
    expect(stream.peek(1)).toBe(5);
    expect(stream.peek(7)).toBe(7);
    expect(stream.update(1)).toBe(5);
    // 5 leaves the window with the next bar.
    expect(stream.peek(0)).toBe(2);
    expect(stream.update(0)).toBe(2);
  });

  it("start over after reset", () => {
    const stream = new MinStream(2);
    stream.update(1);
    stream.update(2);
    stream.reset();
    expect(stream.update(10)).toBeNaN();
    expect(stream.update(11)).toBe(10);
  });
});

describe("max/min batch kernel", () => {
  /** Independent reference: scan every window. */
  function scanned(values: Float64Array, period: number, sign: number): Float64Array {
    const out = new Float64Array(values.length).fill(Number.NaN);
    for (let i = period - 1; i < values.length; i++) {
      let extreme = values[i]!;
      for (let j = i - period + 1; j < i; j++) if (sign * values[j]! > sign * extreme) extreme = values[j]!;
      out[i] = extreme;
    }
    return out;
  }

  it("equals a window-scanning reference across its chunk and block boundaries, for values crossing zero", () => {
    const values = randomSeries(20_011);
    for (const period of [2, 3, 4, 5, 7, 13, 30, 64, 257, 1500]) {
      expectClose(max(values, period), scanned(values, period, 1), 0, `max(${period})`);
      expectClose(min(values, period), scanned(values, period, -1), 0, `min(${period})`);
    }
  });
});
