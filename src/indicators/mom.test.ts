import { describe, expect, it } from "vitest";
import { MomStream, mom } from "./mom.js";
import { marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();
const periods = [1, 2, 5, 10, 14, 21, 50];

describe.skipIf(datasets.length === 0 || talib === undefined)("mom against TA-Lib C", () => {
  for (const data of datasets) {
    for (const period of periods) {
      it(`equals TA-Lib MOM(${period}) on ${data.name} closes`, () => {
        const expected = talibRun("MOM", { inReal: data.close }, { optInTimePeriod: period });
        expectClose(mom(data.close, period), expected.outReal!, 1e-9, `MOM(${period})`);
      });
    }
  }
});

describe("mom", () => {
  it("is the change over period bars, NaN before index period", () => {
    expect(Array.from(mom([1, 4, 9, 16], 2))).toEqual([Number.NaN, Number.NaN, 8, 12]);
  });

  it("rejects a non-integer period", () => {
    expect(() => mom([1, 2], 1.5)).toThrow(/mom: period must be an integer >= 1, got 1.5/);
  });
});

describe("MomStream", () => {
  it("equals the batch function bar by bar on real closes", () => {
    for (const data of datasets) {
      for (const period of periods) {
        const streamed = runStream(new MomStream(period), Array.from(data.close), (v) => v);
        expectClose(streamed, mom(data.close, period), 0, `MomStream(${period})`);
      }
    }
  });

  it("peek shows the forming bar's value without consuming it", () => {
    const stream = new MomStream(2);
    stream.update(1);
    expect(stream.peek(5)).toBeNaN();
    stream.update(4);
    expect(stream.peek(5)).toBe(4);
    expect(stream.peek(9)).toBe(8);
    expect(stream.update(9)).toBe(8);
    expect(stream.update(16)).toBe(12);
  });
});
