import { describe, expect, it } from "vitest";
import { MfiStream, mfi } from "./mfi.js";
import { barAt, marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();
const periods = [2, 5, 14, 21, 50];

describe.skipIf(datasets.length === 0 || talib === undefined)("mfi against TA-Lib C", () => {
  for (const data of datasets) {
    for (const period of periods) {
      it(`equals TA-Lib MFI(${period}) on ${data.name}`, () => {
        const expected = talibRun(
          "MFI",
          { high: data.high, low: data.low, close: data.close, volume: data.volume },
          { optInTimePeriod: period },
        );
        const actual = mfi(data.high, data.low, data.close, data.volume, period);
        expectClose(actual, expected.outReal!, 1e-9, `MFI(${period})`);
      });
    }
  }
});

describe("mfi", () => {
  it("splits money flow by the direction of the typical price, NaN before index period", () => {
    // Typical prices 10, 11, 10, 12 with volume 1: flows +11, -10, +12.
    const price = [10, 11, 10, 12];
    const out = mfi(price, price, price, [1, 1, 1, 1], 3);
    expect(Number.isNaN(out[2]!)).toBe(true);
    expect(out[3]).toBeCloseTo((100 * 23) / 33, 12);
  });

  it("reads 0 when the window's total money flow is below 1 (TA-Lib quirk)", () => {
    const price = [10, 11, 12];
    expect(mfi(price, price, price, [0, 0, 0], 2)[2]).toBe(0);
  });

  it("rejects period 1 and mismatched lengths", () => {
    expect(() => mfi([1], [1], [1], [1], 1)).toThrow(/mfi: period must be an integer >= 2, got 1/);
    expect(() => mfi([1, 2], [1, 2], [1, 2], [1])).toThrow(/mfi: volume has 1 values/);
  });
});

describe("MfiStream", () => {
  it("equals the batch function bar by bar on real bars", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      for (const period of periods) {
        const streamed = runStream(new MfiStream(period), bars, (v) => v);
        expectClose(streamed, mfi(data.high, data.low, data.close, data.volume, period), 0, `MfiStream(${period})`);
      }
    }
  });

  it("peek equals the update that follows with the same bar", () => {
    const stream = new MfiStream(3);
    for (let i = 0; i < 30; i++) {
      const bar = { high: 11 + (i % 4), low: 9 - (i % 3), close: 10 + (i % 5), volume: 100 + i };
      stream.peek({ high: 50, low: 1, close: 2, volume: 1e6 });
      const peeked = stream.peek(bar);
      expect(Object.is(peeked, stream.update(bar))).toBe(true);
    }
  });
});
