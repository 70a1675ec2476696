import { describe, expect, it } from "vitest";
import { DonchianStream, donchian } from "./donchian.js";
import { barAt, marketDatasets } from "./testing/datasets.js";
import { expectClose } from "./testing/expect-close.js";

const datasets = marketDatasets();
const periods = [1, 2, 5, 20, 55];

/** Independent reference: scan every window. */
function naiveDonchian(high: Float64Array, low: Float64Array, period: number) {
  const n = high.length;
  const upper = new Float64Array(n).fill(Number.NaN);
  const lower = new Float64Array(n).fill(Number.NaN);
  const middle = new Float64Array(n).fill(Number.NaN);
  for (let i = period - 1; i < n; i++) {
    let hi = Number.NEGATIVE_INFINITY;
    let lo = Number.POSITIVE_INFINITY;
    for (let j = i - period + 1; j <= i; j++) {
      if (high[j]! > hi) hi = high[j]!;
      if (low[j]! < lo) lo = low[j]!;
    }
    upper[i] = hi;
    lower[i] = lo;
    middle[i] = (hi + lo) / 2;
  }
  return { upper, middle, lower };
}

describe("donchian", () => {
  for (const data of datasets) {
    it(`equals a window-scanning reference on ${data.name}`, () => {
      for (const period of periods) {
        const expected = naiveDonchian(data.high, data.low, period);
        const actual = donchian(data.high, data.low, period);
        expectClose(actual.upper, expected.upper, 0, `upper(${period})`);
        expectClose(actual.middle, expected.middle, 0, `middle(${period})`);
        expectClose(actual.lower, expected.lower, 0, `lower(${period})`);
      }
    });
  }

  it("gives the highest high, lowest low and midpoint of the last period bars", () => {
    const { upper, middle, lower } = donchian([5, 7, 6, 4], [3, 4, 2, 3], 2);
    expect(Array.from(upper)).toEqual([Number.NaN, 7, 7, 6]);
    expect(Array.from(lower)).toEqual([Number.NaN, 3, 2, 2]);
    expect(Array.from(middle)).toEqual([Number.NaN, 5, 4.5, 4]);
  });

  it("rejects period 0 and mismatched lengths", () => {
    expect(() => donchian([1], [1], 0)).toThrow(/donchian: period must be an integer >= 1, got 0/);
    expect(() => donchian([1, 2], [1], 2)).toThrow(/donchian: low has 1 values/);
  });
});

describe("DonchianStream", () => {
  it("equals the batch function bar by bar on real bars, and peek equals update", () => {
    for (const data of datasets) {
      const bars = Array.from(data.close, (_, i) => barAt(data, i));
      for (const period of periods) {
        const batch = donchian(data.high, data.low, period);
        const stream = new DonchianStream(period);
        const upper = new Float64Array(bars.length);
        bars.forEach((bar, i) => {
          const peeked = stream.peek(bar);
          const value = stream.update(bar);
          expect(peeked).toEqual(value);
          upper[i] = value.upper;
          if (i >= period - 1) {
            expect(value.lower).toBe(batch.lower[i]);
            expect(value.middle).toBe(batch.middle[i]);
          }
        });
        expectClose(upper, batch.upper, 0, `DonchianStream(${period}) upper`);
      }
    }
  });
});
