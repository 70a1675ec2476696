import { describe, expect, it } from "vitest";
import { StochStream, stoch } from "./stoch.js";
import { barAt, marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { randomBars } from "./testing/random-bars.js";
import { outputColumn } from "./testing/stream-contract.js";
import { talib, talibRun } from "./testing/talib-reference.js";

const datasets = marketDatasets();
const parameterSets: [number, number, number][] = [
  [5, 3, 3],
  [14, 3, 3],
  [2, 1, 1],
  [21, 5, 2],
  [50, 2, 14],
  [1, 3, 5],
];

describe.skipIf(datasets.length === 0 || talib === undefined)("stoch against TA-Lib C", () => {
  for (const data of datasets) {
    for (const [fastK, slowK, slowD] of parameterSets) {
      it(`equals TA-Lib STOCH(${fastK}, ${slowK}, ${slowD}) on ${data.name}`, () => {
        const expected = talibRun(
          "STOCH",
          { high: data.high, low: data.low, close: data.close },
          {
            optInFastK_Period: fastK,
            optInSlowK_Period: slowK,
            optInSlowK_MAType: 0,
            optInSlowD_Period: slowD,
            optInSlowD_MAType: 0,
          },
        );
        const actual = stoch(data.high, data.low, data.close, fastK, slowK, slowD);
        expectClose(actual.k, expected.outSlowK!, 1e-9, "slow %K");
        expectClose(actual.d, expected.outSlowD!, 1e-9, "slow %D");
      });
    }
  }
});

describe("stoch", () => {
  it("starts both lines at index fastK-1 + slowK-1 + slowD-1", () => {
    const n = 30;
    const high = Float64Array.from({ length: n }, (_, i) => 10 + Math.sin(i) + 1);
    const low = Float64Array.from({ length: n }, (_, i) => 10 + Math.sin(i) - 1);
    const close = Float64Array.from({ length: n }, (_, i) => 10 + Math.sin(i) * 0.5);
    const { k, d } = stoch(high, low, close, 5, 3, 4);
    const first = 4 + 2 + 3;
    expect(Number.isNaN(k[first - 1]!)).toBe(true);
    expect(Number.isNaN(d[first - 1]!)).toBe(true);
    expect(Number.isFinite(k[first]!)).toBe(true);
    expect(Number.isFinite(d[first]!)).toBe(true);
  });

  it("reads 0 on a flat range, as TA-Lib does", () => {
    const flat = new Float64Array(12).fill(7);
    const { k, d } = stoch(flat, flat, flat);
    expect(k[11]).toBe(0);
    expect(d[11]).toBe(0);
  });

  it("returns all NaN when the input is too short and rejects bad periods", () => {
    const { k } = stoch([1, 2], [0, 1], [0.5, 1.5]);
    expect(Array.from(k)).toEqual([Number.NaN, Number.NaN]);
    expect(() => stoch([1], [1], [1], 0)).toThrow(/stoch fastKPeriod: period must be an integer >= 1, got 0/);
    expect(() => stoch([1, 2], [1], [1])).toThrow(/stoch: low has 1 values but high has 2/);
  });
});

describe("StochStream", () => {
  it("equals the batch function bar by bar on real bars", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      for (const [fastK, slowK, slowD] of parameterSets) {
        const batch = stoch(data.high, data.low, data.close, fastK, slowK, slowD);
        const stream = new StochStream(fastK, slowK, slowD);
        const values = bars.map((bar) => stream.update(bar));
        expectClose(
          values.map((v) => v.k),
          batch.k,
          0,
          "stream %K",
        );
        expectClose(
          values.map((v) => v.d),
          batch.d,
          0,
          "stream %D",
        );
      }
    }
  });

  it("peek equals the update that follows with the same bar and leaves state alone", () => {
    const stream = new StochStream(3, 2, 2);
    const bars = Array.from({ length: 20 }, (_, i) => ({
      high: 11 + (i % 4),
      low: 9 - (i % 3),
      close: 10 + (i % 5) - 2,
    }));
    for (const bar of bars) {
      const peeked = stream.peek({ high: 30, low: 1, close: 2 });
      const expected = stream.peek(bar);
      const updated = stream.update(bar);
      expect(updated).toEqual(expected);
      expect(Number.isNaN(peeked.k)).toBe(Number.isNaN(updated.k));
    }
    stream.reset();
    expect(runStream(stream, bars, (v) => v.k)).toEqual(runStream(new StochStream(3, 2, 2), bars, (v) => v.k));
  });
});

describe("stoch batch kernel", () => {
  const bars = randomBars(20_011);
  const sets: [number, number, number][] = [
    [14, 3, 3],
    [1, 1, 1],
    [5, 4, 2],
    [33, 3, 7],
  ];

  it("equals StochStream (an independent deque) across chunk and block boundaries and flat stretches", () => {
    const input = Array.from(bars.close, (close, i) => ({ high: bars.high[i]!, low: bars.low[i]!, close }));
    for (const [fastK, slowK, slowD] of sets) {
      const stream = new StochStream(fastK, slowK, slowD);
      const streamed = input.map((bar) => stream.update(bar));
      const batch = stoch(bars.high, bars.low, bars.close, fastK, slowK, slowD);
      const label = `(${fastK}, ${slowK}, ${slowD})`;
      expectClose(outputColumn(streamed, "k"), batch.k, 0, `%K${label}`);
      expectClose(outputColumn(streamed, "d"), batch.d, 0, `%D${label}`);
    }
  });

  it.skipIf(talib === undefined)("equals TA-Lib C on the same series", () => {
    for (const [fastK, slowK, slowD] of sets) {
      const options = {
        optInFastK_Period: fastK,
        optInSlowK_Period: slowK,
        optInSlowK_MAType: 0,
        optInSlowD_Period: slowD,
        optInSlowD_MAType: 0,
      };
      const expected = talibRun("STOCH", { high: bars.high, low: bars.low, close: bars.close }, options);
      const actual = stoch(bars.high, bars.low, bars.close, fastK, slowK, slowD);
      expectClose(actual.k, expected.outSlowK!, 1e-9, `slow %K(${fastK}, ${slowK}, ${slowD})`);
      expectClose(actual.d, expected.outSlowD!, 1e-9, `slow %D(${fastK}, ${slowK}, ${slowD})`);
    }
  });
});
