import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type Candle, type CandleSeries, seriesFromCandles, sliceSeries } from "../domain/candles.js";
import { bucketStart, type Timeframe } from "../domain/timeframe.js";
import { sharedDataPresent } from "../indicators/testing/reference-data.js";
import { loadCsv } from "./csv/load-csv.js";
import { resample } from "./resample.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);
const hourly = (hours: number[], timeframe: "1h" | "none" = "1h") =>
  seriesFromCandles(
    "TEST",
    timeframe === "none" ? undefined : timeframe,
    hours.map(
      (h): Candle => ({
        time: T0 + h * HOUR,
        open: 100 + h,
        high: 110 + h,
        low: 90 + h,
        close: 105 + h,
        volume: 1 + h,
      }),
    ),
  );

/** Straightforward reference: group bars by bucket in a Map, then aggregate each group. */
function naiveResample(series: CandleSeries, timeframe: Timeframe): Candle[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < series.length; i++) {
    const key = bucketStart(series.time[i] as number, timeframe);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  }
  return [...groups.entries()].map(([time, indices]) => ({
    time,
    open: series.open[indices[0] as number] as number,
    high: Math.max(...indices.map((i) => series.high[i] as number)),
    low: Math.min(...indices.map((i) => series.low[i] as number)),
    close: series.close[indices[indices.length - 1] as number] as number,
    volume: indices.reduce((sum, i) => sum + (series.volume[i] as number), 0),
  }));
}

const asCandles = (series: CandleSeries): Candle[] =>
  Array.from({ length: series.length }, (_, i) => ({
    time: series.time[i] as number,
    open: series.open[i] as number,
    high: series.high[i] as number,
    low: series.low[i] as number,
    close: series.close[i] as number,
    volume: series.volume[i] as number,
  }));

describe("resample", () => {
  it("takes first open, highest high, lowest low, last close and summed volume per bucket", () => {
    const { series, sourceBars, barsPerBucket, lastBucketComplete } = resample(hourly([0, 1, 2, 3, 4, 5, 6, 7]), "4h");
    expect(series.timeframe).toBe("4h");
    expect(asCandles(series)).toEqual([
      { time: T0, open: 100, high: 113, low: 90, close: 108, volume: 1 + 2 + 3 + 4 },
      { time: T0 + 4 * HOUR, open: 104, high: 117, low: 94, close: 112, volume: 5 + 6 + 7 + 8 },
    ]);
    expect(Array.from(sourceBars)).toEqual([4, 4]);
    expect(barsPerBucket).toBe(4);
    expect(lastBucketComplete).toBe(true);
  });

  it("includes a partial last bucket and flags it as incomplete", () => {
    const result = resample(hourly([0, 1, 2, 3, 4, 5]), "4h");
    expect(result.series.length).toBe(2);
    expect(result.series.close[1]).toBe(110);
    expect(Array.from(result.sourceBars)).toEqual([4, 2]);
    expect(result.lastBucketComplete).toBe(false);
  });

  it("calls a last bucket complete when its final bar is there, even with a gap inside", () => {
    const result = resample(hourly([0, 1, 2, 3, 4, 7]), "4h");
    expect(result.lastBucketComplete).toBe(true);
    expect(Array.from(result.sourceBars)).toEqual([4, 2]);
  });

  it("starts weekly buckets on Monday", () => {
    const days = Array.from({ length: 10 }, (_, d) => ({
      time: Date.UTC(2024, 0, 3) + d * DAY,
      open: d + 1,
      high: d + 2,
      low: d + 0.5,
      close: d + 1.5,
      volume: 1,
    }));
    const { series, sourceBars } = resample(seriesFromCandles("D", "1d", days), "1w");
    expect(Array.from(series.time)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8)]);
    expect(Array.from(sourceBars)).toEqual([5, 5]);
    expect(series.open[1]).toBe(6);
  });

  it("counts a week of weekday data ending on Friday as complete on the weekday calendar", () => {
    const weekdays = [0, 1, 2, 3, 4].map((d) => ({
      time: T0 + d * DAY,
      open: 1,
      high: 2,
      low: 0.5,
      close: 1,
      volume: 1,
    }));
    const daily = seriesFromCandles("SPY", "1d", weekdays);
    expect(resample(daily, "1w").lastBucketComplete).toBe(false);
    expect(resample(daily, "1w", { calendar: "weekdays" }).lastBucketComplete).toBe(true);
  });

  it("infers the source timeframe when the series has none", () => {
    expect(resample(hourly([0, 1, 2, 3], "none"), "2h").series.length).toBe(2);
  });

  it("returns the input for the same timeframe", () => {
    const input = hourly([0, 1]);
    expect(resample(input, "1h").series).toBe(input);
  });

  it("refuses a lower or non-multiple timeframe with a clear error", () => {
    expect(() => resample(hourly([0, 1]), "15m")).toThrow(
      "cannot resample TEST from 1h to the lower timeframe 15m: resampling only aggregates",
    );
    const threeDays = seriesFromCandles("X", "3d", [{ time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
    expect(() => resample(threeDays, "1w")).toThrow(
      "cannot resample X from 3d to 1w: 1w is not a whole multiple of 3d",
    );
    expect(() => resample(hourly([0, 1]), "5h" as Timeframe)).toThrow(/unknown timeframe "5h"/);
  });

  it("refuses unsorted input and a series whose timeframe cannot be known", () => {
    expect(() => resample(hourly([0, 2, 1]), "4h")).toThrow(/bar 2 \(2024-01-01T01:00:00.000Z\) is not after bar 1/);
    expect(() => resample(hourly([0], "none"), "4h")).toThrow(/its timeframe is unknown/);
  });
});

const btcFile = fileURLToPath(new URL("../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url));

describe.skipIf(!sharedDataPresent(btcFile))(`resample on real BTC 1h (${btcFile})`, () => {
  it.each(["4h", "1d", "1w"] as const)("matches a naive implementation for 1h → %s, gaps included", async (target) => {
    const { series } = await loadCsv(btcFile);
    const result = resample(series, target);
    expect(asCandles(result.series)).toEqual(naiveResample(series, target));
    const buckets = result.series.length;
    expect(Array.from(result.sourceBars).reduce((sum, n) => sum + n, 0)).toBe(series.length);
    if (target === "1d") {
      expect(buckets).toBe(2740);
      expect(result.lastBucketComplete).toBe(true);
      expect(Array.from(result.sourceBars).filter((n) => n < 24)).toHaveLength(22);
    }
  });

  it("flags the last day as incomplete when the data stops mid-day", async () => {
    const { series } = await loadCsv(btcFile);
    const trimmed = resample(sliceSeries(series, 0, series.length - 5), "1d");
    expect(trimmed.lastBucketComplete).toBe(false);
    // The last day, 2026-07-02, lacks its 00:00 bar: 23 bars, minus the 5 cut off.
    expect(trimmed.sourceBars[trimmed.series.length - 1]).toBe(18);
  });
});
