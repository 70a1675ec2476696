import { describe, expect, it } from "vitest";
import { ObvStream, obv } from "./obv.js";
import { barAt, marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();

describe.skipIf(datasets.length === 0 || talib === undefined)("obv against TA-Lib C", () => {
  for (const data of datasets) {
    it(`equals TA-Lib OBV on ${data.name}`, () => {
      const expected = talibRun("OBV", { inReal: data.close, volume: data.volume });
      expectClose(obv(data.close, data.volume), expected.outReal!, 1e-9, "OBV");
    });
  }
});

describe("obv", () => {
  it("starts at the first volume and adds, subtracts or keeps each bar's volume by the close's direction", () => {
    expect(Array.from(obv([10, 11, 11, 9, 12], [5, 3, 4, 2, 1]))).toEqual([5, 8, 8, 6, 7]);
  });

  it("returns an empty array for empty input and rejects mismatched lengths", () => {
    expect(obv([], []).length).toBe(0);
    expect(() => obv([1, 2], [1])).toThrow(/obv: volume has 1 values but close has 2/);
  });
});

describe("ObvStream", () => {
  it("equals the batch function bar by bar on real bars", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      expectClose(
        runStream(new ObvStream(), bars, (v) => v),
        obv(data.close, data.volume),
        0,
        "ObvStream",
      );
    }
  });

  it("peek answers for the forming bar without moving the total", () => {
    const stream = new ObvStream();
    expect(stream.peek({ close: 10, volume: 5 })).toBe(5);
    stream.update({ close: 10, volume: 5 });
    expect(stream.peek({ close: 9, volume: 2 })).toBe(3);
    expect(stream.peek({ close: 11, volume: 2 })).toBe(7);
    expect(stream.update({ close: 10, volume: 100 })).toBe(5);
    stream.reset();
    expect(stream.update({ close: 1, volume: 9 })).toBe(9);
  });
});
