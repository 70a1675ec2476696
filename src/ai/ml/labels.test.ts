import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forwardReturnLabels, tripleBarrierLabels } from "./labels.js";
import { purgedWalkForward } from "./purged-walk-forward.js";

describe("forwardReturnLabels", () => {
  it("labels the sign of the return over the horizon and leaves the last horizon rows without a label", () => {
    const close = Float64Array.from([100, 101, 99, 102, 98]);
    const labels = forwardReturnLabels(close, 2);
    expect(Array.from(labels.value.subarray(0, 3))).toEqual([0, 1, 0]);
    expect(labels.value[3]).toBeNaN();
    expect(Array.from(labels.end)).toEqual([2, 3, 4, -1, -1]);
  });

  it("refuses a horizon that is not a positive integer", () => {
    expect(() => forwardReturnLabels(Float64Array.from([1, 2]), 0)).toThrow(/horizon must be an integer >= 1/);
  });
});

describe("tripleBarrierLabels", () => {
  const close = Float64Array.from([100, 100, 100, 100, 100, 100]);
  it("labels 1 when the upper barrier is touched first and records the bar that decided", () => {
    const high = Float64Array.from([100, 101, 103, 100, 100, 100]);
    const low = Float64Array.from([100, 99.5, 99, 99, 99, 99]);
    const labels = tripleBarrierLabels(high, low, close, 3, 0.02, 0.02);
    expect(labels.value[0]).toBe(1);
    expect(labels.end[0]).toBe(2);
  });

  it("labels 0 when one bar touches both barriers (stop assumed first)", () => {
    const high = Float64Array.from([100, 103, 100, 100, 100, 100]);
    const low = Float64Array.from([100, 97, 100, 100, 100, 100]);
    const labels = tripleBarrierLabels(high, low, close, 3, 0.02, 0.02);
    expect(labels.value[0]).toBe(0);
    expect(labels.end[0]).toBe(1);
  });
});

describe("purgedWalkForward", () => {
  it("trains each fold only on labels decided before the embargo gap ahead of its test window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 20, max: 80 }),
        (horizon, embargo, testSize) => {
          const n = 500;
          const labels = forwardReturnLabels(
            Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i)),
            horizon,
          );
          const folds = purgedWalkForward({
            start: 10,
            end: n,
            testSize,
            minTrainSize: 100,
            embargo,
            labelEnd: labels.end,
          });
          if (folds.length === 0) return false;
          for (const fold of folds) {
            for (const row of fold.train) {
              if ((labels.end[row] as number) >= fold.testStart - embargo) return false;
              if (row < 10) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it("covers the out-of-sample period once with consecutive test windows", () => {
    const labels = forwardReturnLabels(
      Float64Array.from({ length: 1000 }, (_, i) => 100 + i),
      5,
    );
    const folds = purgedWalkForward({ start: 0, end: 1000, testSize: 150, minTrainSize: 200, labelEnd: labels.end });
    // 200 training rows need labels decided before the test window: rows 0..199 read bars up to 204.
    expect(folds.map((fold) => [fold.testStart, fold.testEnd])).toEqual([
      [205, 355],
      [355, 505],
      [505, 655],
      [655, 805],
      [805, 955],
      [955, 1000],
    ]);
    expect(folds[0]?.purged).toBe(5); // rows 200..204 read bars up to 209, inside the test window
    expect(folds[0]?.train.at(-1)).toBe(199);
  });

  it("keeps only the latest maxTrainSize rows in a rolling window", () => {
    const labels = forwardReturnLabels(
      Float64Array.from({ length: 600 }, (_, i) => 100 + i),
      1,
    );
    const folds = purgedWalkForward({
      start: 0,
      end: 600,
      testSize: 100,
      minTrainSize: 100,
      maxTrainSize: 150,
      labelEnd: labels.end,
    });
    const last = folds.at(-1);
    expect(last?.train.length).toBe(150);
    // Horizon 1: the newest usable row is testStart - 2 (its label reads bar testStart - 1).
    expect(last?.train.at(-1)).toBe((last?.testStart ?? 0) - 2);
    expect(last?.train[0]).toBe((last?.testStart ?? 0) - 2 - 149);
  });
});
