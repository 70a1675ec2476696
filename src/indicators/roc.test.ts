import { describe, expect, it } from "vitest";
import { RocStream, roc } from "./roc.js";
import { marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();
const periods = [1, 2, 5, 10, 14, 21, 50];

describe.skipIf(datasets.length === 0 || talib === undefined)("roc against TA-Lib C", () => {
  for (const data of datasets) {
    for (const period of periods) {
      it(`equals TA-Lib ROC(${period}) on ${data.name} closes`, () => {
        const expected = talibRun("ROC", { inReal: data.close }, { optInTimePeriod: period });
        expectClose(roc(data.close, period), expected.outReal!, 1e-9, `ROC(${period})`);
      });
    }
  }
});

describe("roc", () => {
  it("is the percent change over period bars, NaN before index period", () => {
    expect(Array.from(roc([100, 110, 121, 99], 1))).toEqual([
      Number.NaN,
      10.000000000000009,
      10.000000000000009,
      -18.181818181818176,
    ]);
    expect(Array.from(roc([100, 110, 121], 2)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([
      Number.NaN,
      Number.NaN,
      21,
    ]);
  });

  it("reads 0 where the earlier value is 0, as TA-Lib does", () => {
    expect(roc([0, 5], 1)[1]).toBe(0);
  });

  it("rejects a period of 0", () => {
    expect(() => roc([1, 2], 0)).toThrow(/roc: period must be an integer >= 1, got 0/);
  });
});

describe("RocStream", () => {
  it("equals the batch function bar by bar, peek included", () => {
    for (const data of datasets) {
      for (const period of periods) {
        const stream = new RocStream(period);
        const values = Array.from(data.close);
        const peeked = values.map((v) => {
          const p = stream.peek(v);
          stream.update(v);
          return p;
        });
        expectClose(peeked, roc(data.close, period), 0, `RocStream peek(${period})`);
        expectClose(
          runStream(new RocStream(period), values, (v) => v),
          roc(data.close, period),
          0,
          "RocStream",
        );
      }
    }
  });

  it("forgets everything on reset", () => {
    const stream = new RocStream(1);
    stream.update(10);
    stream.reset();
    expect(stream.update(20)).toBeNaN();
    expect(stream.update(30)).toBe(50);
  });
});
