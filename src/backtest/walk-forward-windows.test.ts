import { describe, expect, it } from "vitest";
import { walkForwardWindows } from "./walk-forward-windows.js";

describe("walkForwardWindows", () => {
  it("slides a fixed-length training window in rolling mode", () => {
    const windows = walkForwardWindows(1000, { mode: "rolling", trainBars: 400, testBars: 200 });
    expect(windows).toEqual([
      { index: 0, trainStart: 0, trainEnd: 400, testStart: 400, testEnd: 600 },
      { index: 1, trainStart: 200, trainEnd: 600, testStart: 600, testEnd: 800 },
      { index: 2, trainStart: 400, trainEnd: 800, testStart: 800, testEnd: 1000 },
    ]);
  });

  it("starts every training window at bar 0 in anchored mode", () => {
    const windows = walkForwardWindows(1000, { mode: "anchored", trainBars: 400, testBars: 200 });
    expect(windows.map((w) => [w.trainStart, w.trainEnd, w.testStart, w.testEnd])).toEqual([
      [0, 400, 400, 600],
      [0, 600, 600, 800],
      [0, 800, 800, 1000],
    ]);
  });

  it("never lets a training window reach its test window, and test windows never overlap", () => {
    for (const mode of ["rolling", "anchored"] as const) {
      const windows = walkForwardWindows(10_000, { mode, trainBars: 1234, testBars: 321, stepBars: 500 });
      windows.forEach((w, i) => {
        expect(w.trainEnd).toBeLessThanOrEqual(w.testStart);
        expect(w.testEnd - w.testStart).toBe(321);
        if (i > 0) expect(w.testStart).toBeGreaterThanOrEqual(windows[i - 1]!.testEnd);
      });
    }
  });

  it("leaves out a last partial test window", () => {
    const windows = walkForwardWindows(950, { mode: "rolling", trainBars: 400, testBars: 200 });
    expect(windows.at(-1)?.testEnd).toBe(800);
  });

  it("rejects overlapping test windows, bad sizes and too little data, naming the option", () => {
    expect(() => walkForwardWindows(1000, { mode: "rolling", trainBars: 400, testBars: 200, stepBars: 100 })).toThrow(
      /stepBars \(100\) must be >= testBars \(200\)/,
    );
    expect(() => walkForwardWindows(1000, { mode: "rolling", trainBars: 0, testBars: 200 })).toThrow(
      /trainBars must be a whole number >= 1, got 0/,
    );
    expect(() => walkForwardWindows(1000, { mode: "rolling", trainBars: 400, testBars: 2.5 })).toThrow(/testBars/);
    expect(() => walkForwardWindows(500, { mode: "rolling", trainBars: 400, testBars: 200 })).toThrow(
      /the series has 500/,
    );
    expect(() => walkForwardWindows(1000, { mode: "sliding" as "rolling", trainBars: 400, testBars: 200 })).toThrow(
      /mode must be/,
    );
  });
});
