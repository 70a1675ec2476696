import { describe, expect, it } from "vitest";
import { type Candle, seriesFromCandles } from "../domain/candles.js";
import { formatDuration, inferTimeframe, mostCommonStep, timeframeOfMs } from "./infer-timeframe.js";

const HOUR = 3_600_000;
const seriesAt = (times: number[]) =>
  seriesFromCandles(
    "TEST",
    undefined,
    times.map((time): Candle => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 1 })),
  );

describe("mostCommonStep", () => {
  it("finds the most common positive step and how often it occurs", () => {
    expect(mostCommonStep([0, HOUR, 2 * HOUR, 5 * HOUR, 6 * HOUR])).toEqual({ stepMs: HOUR, count: 3, steps: 4 });
  });

  it("ignores zero and negative steps", () => {
    expect(mostCommonStep([0, 0, 2 * HOUR, HOUR, 3 * HOUR])).toEqual({ stepMs: 2 * HOUR, count: 2, steps: 2 });
  });

  it("prefers the shorter step on a tie and is undefined without any positive step", () => {
    expect(mostCommonStep([0, HOUR, 3 * HOUR])?.stepMs).toBe(HOUR);
    expect(mostCommonStep([5])).toBeUndefined();
    expect(mostCommonStep([5, 5])).toBeUndefined();
  });
});

describe("inferTimeframe", () => {
  it("sees 1h through maintenance gaps", () => {
    expect(inferTimeframe(seriesAt([0, HOUR, 2 * HOUR, 9 * HOUR, 10 * HOUR, 11 * HOUR]))).toBe("1h");
  });

  it("sees 1d in weekday data where weekends make 3-day steps", () => {
    const day = 24 * HOUR;
    const monday = Date.UTC(2024, 0, 1);
    const times = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => monday + d * day);
    expect(inferTimeframe(seriesAt(times))).toBe("1d");
  });

  it("is undefined for one bar or a step that is no timeframe", () => {
    expect(inferTimeframe(seriesAt([0]))).toBeUndefined();
    expect(inferTimeframe(seriesAt([0, 2 * 60_000, 4 * 60_000]))).toBeUndefined();
  });
});

describe("timeframeOfMs and formatDuration", () => {
  it("names known steps and spells out others", () => {
    expect(timeframeOfMs(HOUR)).toBe("1h");
    expect(timeframeOfMs(7 * 24 * HOUR)).toBe("1w");
    expect(timeframeOfMs(90 * 60_000)).toBeUndefined();
    expect(formatDuration(HOUR)).toBe("1h");
    expect(formatDuration(90 * 60_000)).toBe("90m");
    expect(formatDuration(5 * HOUR)).toBe("5h");
    expect(formatDuration(2 * 24 * HOUR)).toBe("2d");
    expect(formatDuration(1500)).toBe("1500 ms");
  });
});
