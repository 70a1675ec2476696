import { describe, expect, it } from "vitest";
import { CciStream, cci } from "./cci.js";
import { barAt, marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { randomBars } from "./testing/random-bars.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();
const periods = [2, 5, 14, 20, 21, 50];

describe.skipIf(datasets.length === 0 || talib === undefined)("cci against TA-Lib C", () => {
  for (const data of datasets) {
    for (const period of periods) {
      it(`equals TA-Lib CCI(${period}) on ${data.name}`, () => {
        const expected = talibRun(
          "CCI",
          { high: data.high, low: data.low, close: data.close },
          { optInTimePeriod: period },
        );
        expectClose(cci(data.high, data.low, data.close, period), expected.outReal!, 1e-9, `CCI(${period})`);
      });
    }
  }
});

describe("cci", () => {
  it("is NaN before index period - 1 and 0 when the price sits on its mean", () => {
    const high = [11, 12, 13, 12, 11];
    const low = [9, 10, 11, 10, 9];
    const close = [10, 11, 12, 11, 10];
    const out = cci(high, low, close, 3);
    expect(Number.isNaN(out[1]!)).toBe(true);
    // Typical prices 11, 12, 11: mean 34/3, mean absolute deviation 4/9.
    expect(out[3]!).toBeCloseTo((11 - 34 / 3) / (0.015 * (4 / 9)), 9);
    expect(out[3]!).toBeCloseTo(-50, 9);
    expect(cci([1, 2, 3], [1, 2, 3], [1, 2, 3], 3)[2]).toBeCloseTo(100, 12);
  });

  it("rejects period 1 (TA-Lib's minimum is 2) and mismatched lengths", () => {
    expect(() => cci([1], [1], [1], 1)).toThrow(/cci: period must be an integer >= 2, got 1/);
    expect(() => cci([1, 2], [1, 2], [1])).toThrow(/cci: close has 1 values but high has 2/);
  });
});

describe("CciStream", () => {
  it("equals the batch function bar by bar on real bars", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      for (const period of periods) {
        const streamed = runStream(new CciStream(period), bars, (v) => v);
        expectClose(streamed, cci(data.high, data.low, data.close, period), 0, `CciStream(${period})`);
      }
    }
  });

  it("peek equals the next update with the same bar and does not disturb the window", () => {
    const bars = Array.from({ length: 40 }, (_, i) => ({ high: 10 + (i % 7), low: 8 + (i % 5), close: 9 + (i % 6) }));
    const stream = new CciStream(5);
    const reference = new CciStream(5);
    for (const bar of bars) {
      stream.peek({ high: 100, low: 1, close: 50 });
      const peeked = stream.peek(bar);
      const updated = stream.update(bar);
      expect(Object.is(peeked, updated)).toBe(true);
      expect(Object.is(updated, reference.update(bar))).toBe(true);
    }
  });
});

describe("cci batch kernel", () => {
  const bars = randomBars(20_011);
  const periods = [2, 3, 4, 5, 7, 14, 20, 33, 200];

  it("equals CciStream (bar by bar) exactly across chunk and block boundaries and flat stretches", () => {
    const input = Array.from(bars.close, (close, i) => ({ high: bars.high[i]!, low: bars.low[i]!, close }));
    for (const period of periods) {
      const streamed = runStream(new CciStream(period), input, (v) => v);
      expectClose(streamed, cci(bars.high, bars.low, bars.close, period), 0, `CCI(${period})`);
    }
  });

  // On flat windows TA-Lib's mean can miss the price by an ulp and its CCI is then a ratio of ulps (e.g. ±66.67):
  // only a mean summed in TA-Lib's exact order reproduces it.
  it.skipIf(talib === undefined)("equals TA-Lib C on the same series, flat windows included", () => {
    for (const period of periods) {
      const expected = talibRun(
        "CCI",
        { high: bars.high, low: bars.low, close: bars.close },
        { optInTimePeriod: period },
      ).outReal!;
      expectClose(cci(bars.high, bars.low, bars.close, period), expected, 1e-9, `CCI(${period})`);
    }
  });
});
