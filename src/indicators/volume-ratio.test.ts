import { describe, expect, it } from "vitest";
import { marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { talib, talibRun } from "./testing/talib-reference.js";
import { VolumeRatioStream, volumeRatio } from "./volume-ratio.js";

const datasets = marketDatasets();
const periods = [1, 2, 5, 20, 50];

/** Independent reference: each bar's volume over the plain average of its window. */
function naiveVolumeRatio(volume: Float64Array, period: number): Float64Array {
  const out = new Float64Array(volume.length).fill(Number.NaN);
  for (let i = period - 1; i < volume.length; i++) {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += volume[j]!;
    out[i] = sum === 0 ? Number.NaN : volume[i]! / (sum / period);
  }
  return out;
}

describe("volumeRatio", () => {
  for (const data of datasets) {
    it(`equals a window-averaging reference on ${data.name}`, () => {
      for (const period of periods) {
        expectClose(volumeRatio(data.volume, period), naiveVolumeRatio(data.volume, period), 1e-9, `ratio(${period})`);
      }
    });
  }

  it.skipIf(datasets.length === 0 || talib === undefined)("equals volume / TA-Lib SMA(volume)", () => {
    const data = datasets[0]!;
    const average = talibRun("SMA", { inReal: data.volume }, { optInTimePeriod: 20 }).outReal!;
    const expected = data.volume.map((v, i) => v / average[i]!);
    expectClose(volumeRatio(data.volume, 20), expected, 1e-9, "volume / SMA");
  });

  it("reads 1 for an ordinary bar and NaN during warm-up and for all-zero windows", () => {
    expect(Array.from(volumeRatio([2, 2, 6, 0, 0, 0], 2))).toEqual([Number.NaN, 1, 1.5, 0, Number.NaN, Number.NaN]);
  });

  it("rejects period 0", () => {
    expect(() => volumeRatio([1], 0)).toThrow(/volumeRatio: period must be an integer >= 1, got 0/);
  });
});

describe("VolumeRatioStream", () => {
  it("equals the batch function bar by bar on real volumes, and peek equals update", () => {
    for (const data of datasets) {
      for (const period of periods) {
        const stream = new VolumeRatioStream(period);
        const peeked = Array.from(data.volume, (v) => {
          const value = stream.peek(v);
          expect(Object.is(value, stream.update(v))).toBe(true);
          return value;
        });
        expectClose(peeked, volumeRatio(data.volume, period), 0, `VolumeRatioStream(${period})`);
        stream.reset();
        expect(runStream(stream, [5], (v) => v)[0]).toBe(period === 1 ? 1 : Number.NaN);
      }
    }
  });
});
