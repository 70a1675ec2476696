import { describe, expect, it } from "vitest";
import { barAt, marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { randomBars } from "./testing/random-bars.js";
import { talib, talibRun } from "./testing/talib-reference.js";
import { WillrStream, willr } from "./willr.js";

const datasets = marketDatasets();
const periods = [2, 5, 14, 21, 50];

describe.skipIf(datasets.length === 0 || talib === undefined)("willr against TA-Lib C", () => {
  for (const data of datasets) {
    for (const period of periods) {
      it(`equals TA-Lib WILLR(${period}) on ${data.name}`, () => {
        const expected = talibRun(
          "WILLR",
          { high: data.high, low: data.low, close: data.close },
          { optInTimePeriod: period },
        );
        expectClose(willr(data.high, data.low, data.close, period), expected.outReal!, 1e-9, `WILLR(${period})`);
      });
    }
  }
});

describe("willr", () => {
  it("reads 0 at the top of the range, -100 at the bottom and 0 on a flat range", () => {
    const high = [10, 12, 11, 11];
    const low = [8, 9, 7, 7];
    expect(Array.from(willr(high, low, [9, 12, 7, 9.5], 2))).toEqual([Number.NaN, -0, -100, -37.5]);
    expect(willr([5, 5], [5, 5], [5, 5], 2)[1]).toBe(0);
  });

  it("rejects period 1", () => {
    expect(() => willr([1], [1], [1], 1)).toThrow(/willr: period must be an integer >= 2, got 1/);
  });
});

describe("WillrStream", () => {
  it("equals the batch function bar by bar on real bars", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      for (const period of periods) {
        const streamed = runStream(new WillrStream(period), bars, (v) => v);
        expectClose(streamed, willr(data.high, data.low, data.close, period), 0, `WillrStream(${period})`);
      }
    }
  });

  it("peek equals the update that follows with the same bar", () => {
    const stream = new WillrStream(3);
    for (let i = 0; i < 30; i++) {
      const bar = { high: 11 + (i % 4), low: 9 - (i % 3), close: 10 + (i % 5) - 2 };
      stream.peek({ high: 50, low: 1, close: 2 });
      expect(Object.is(stream.peek(bar), stream.update(bar))).toBe(true);
    }
  });
});

describe("willr batch kernel", () => {
  const bars = randomBars(20_011);

  it("equals WillrStream (an independent deque) across chunk and block boundaries and flat stretches", () => {
    const input = Array.from(bars.close, (close, i) => ({ high: bars.high[i]!, low: bars.low[i]!, close }));
    for (const period of [2, 3, 4, 5, 14, 33, 200]) {
      const streamed = runStream(new WillrStream(period), input, (v) => v);
      expectClose(streamed, willr(bars.high, bars.low, bars.close, period), 0, `WILLR(${period})`);
    }
  });

  it.skipIf(talib === undefined)("equals TA-Lib C on the same series", () => {
    for (const period of [2, 14, 33]) {
      const expected = talibRun(
        "WILLR",
        { high: bars.high, low: bars.low, close: bars.close },
        { optInTimePeriod: period },
      ).outReal!;
      expectClose(willr(bars.high, bars.low, bars.close, period), expected, 1e-9, `WILLR(${period})`);
    }
  });
});
