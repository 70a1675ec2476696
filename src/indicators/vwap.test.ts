import { describe, expect, it } from "vitest";
import { barAt, marketDatasets, runStream } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";
import { randomBars } from "./testing/random-bars.js";
import { SessionVwapStream, sessionVwap, VwapStream, vwap } from "./vwap.js";

const datasets = marketDatasets();
const periods = [1, 2, 5, 20, 50];
const HOUR = 3_600_000;

/** Independent reference: re-add every window from scratch. */
function naiveVwap(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, period: number) {
  const out = new Float64Array(high.length).fill(Number.NaN);
  for (let i = period - 1; i < high.length; i++) {
    let priceVolume = 0;
    let volumeSum = 0;
    for (let j = i - period + 1; j <= i; j++) {
      priceVolume += ((high[j]! + low[j]! + close[j]!) / 3) * volume[j]!;
      volumeSum += volume[j]!;
    }
    out[i] = volumeSum === 0 ? Number.NaN : priceVolume / volumeSum;
  }
  return out;
}

/** Independent reference: group bars by UTC day key and accumulate. */
function naiveSessionVwap(
  time: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  sessionMs: number,
) {
  const out = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    let priceVolume = 0;
    let volumeSum = 0;
    for (let j = i; j >= 0 && Math.floor(time[j]! / sessionMs) === Math.floor(time[i]! / sessionMs); j--) {
      priceVolume += ((high[j]! + low[j]! + close[j]!) / 3) * volume[j]!;
      volumeSum += volume[j]!;
    }
    out[i] = volumeSum === 0 ? Number.NaN : priceVolume / volumeSum;
  }
  return out;
}

describe("vwap (rolling)", () => {
  for (const data of datasets) {
    it(`equals a window-summing reference on ${data.name}`, () => {
      for (const period of periods) {
        const expected = naiveVwap(data.high, data.low, data.close, data.volume, period);
        expectClose(vwap(data.high, data.low, data.close, data.volume, period), expected, 1e-9, `VWAP(${period})`);
      }
    });
  }

  it("weights typical prices by volume and is NaN where the window has no volume", () => {
    const price = [10, 20, 30, 40];
    const out = vwap(price, price, price, [1, 3, 0, 0], 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo(17.5, 12);
    expect(out[2]).toBeCloseTo(20, 12);
    expect(out[3]).toBeNaN();
  });

  it("keeps long series accurate: sums are re-added every window, so a volume burst leaves no residue", () => {
    const n = 50_000;
    const price = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 50));
    const volume = Float64Array.from({ length: n }, (_, i) => (i < 25_000 ? 1e9 + i : 1e-3 * (1 + (i % 7))));
    const actual = vwap(price, price, price, volume, 20);
    const expected = naiveVwap(price, price, price, volume, 20);
    expectClose(actual.subarray(25_100), expected.subarray(25_100), 1e-9, "after the burst");
  });

  it("rejects period 0", () => {
    expect(() => vwap([1], [1], [1], [1], 0)).toThrow(/vwap: period must be an integer >= 1, got 0/);
  });
});

describe("VwapStream", () => {
  it("equals the batch function bar by bar on real bars, and peek equals update", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      for (const period of periods) {
        const stream = new VwapStream(period);
        const peeked = bars.map((bar) => {
          const value = stream.peek(bar);
          expect(Object.is(value, stream.update(bar))).toBe(true);
          return value;
        });
        expectClose(peeked, vwap(data.high, data.low, data.close, data.volume, period), 0, `VwapStream(${period})`);
      }
    }
  });
});

describe("vwap batch kernel", () => {
  it("equals VwapStream and the reference across chunk boundaries, volume bursts and zero-volume stretches", () => {
    const bars = randomBars(20_011);
    const input = Array.from(bars.close, (close, i) => ({
      high: bars.high[i]!,
      low: bars.low[i]!,
      close,
      volume: bars.volume[i]!,
    }));
    for (const period of [1, 2, 7, 20, 33]) {
      const batch = vwap(bars.high, bars.low, bars.close, bars.volume, period);
      expectClose(
        runStream(new VwapStream(period), input, (v) => v),
        batch,
        0,
        `VwapStream(${period})`,
      );
      const expected = naiveVwap(bars.high, bars.low, bars.close, bars.volume, period);
      expectClose(batch, expected, 1e-9, `VWAP(${period})`);
    }
  });
});

describe("sessionVwap", () => {
  for (const data of datasets) {
    it(`equals a per-day accumulating reference on ${data.name}`, () => {
      for (const sessionMs of [86_400_000, 4 * HOUR]) {
        const expected = naiveSessionVwap(data.time, data.high, data.low, data.close, data.volume, sessionMs);
        const actual = sessionVwap(data.time, data.high, data.low, data.close, data.volume, sessionMs);
        expectClose(actual, expected, 1e-9, `session VWAP (${sessionMs} ms)`);
      }
    });
  }

  it("restarts at each UTC midnight", () => {
    const day = 86_400_000;
    const time = [day - 2 * HOUR, day - HOUR, day, day + HOUR];
    const price = [10, 20, 30, 50];
    const out = sessionVwap(time, price, price, price, [1, 1, 1, 3]);
    expect(Array.from(out)).toEqual([10, 15, 30, 45]);
  });

  it("is NaN while the session has no volume and rejects non-finite times", () => {
    expect(sessionVwap([0, 1], [5, 6], [5, 6], [5, 6], [0, 2])[0]).toBeNaN();
    expect(() => sessionVwap([0, Number.NaN], [1, 1], [1, 1], [1, 1], [1, 1])).toThrow(/time\[1\] must be a finite/);
    expect(() => sessionVwap([0], [1], [1], [1], [1], 0)).toThrow(/sessionMs must be a positive number/);
  });
});

describe("SessionVwapStream", () => {
  it("equals the batch function bar by bar on real bars, and peek equals update", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      const stream = new SessionVwapStream();
      const values = bars.map((bar) => {
        const peeked = stream.peek(bar);
        const value = stream.update(bar);
        expect(Object.is(peeked, value)).toBe(true);
        return value;
      });
      expectClose(values, sessionVwap(data.time, data.high, data.low, data.close, data.volume), 0, "stream");
      stream.reset();
      expect(runStream(stream, bars.slice(0, 1), (v) => v)[0]).toBe(values[0]);
    }
  });

  it("requires bar.time", () => {
    expect(() => new SessionVwapStream().update({ high: 1, low: 1, close: 1, volume: 1 })).toThrow(
      /SessionVwapStream: bar.time must be a finite Unix ms value, got undefined/,
    );
  });
});
