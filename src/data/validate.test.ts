import { describe, expect, it } from "vitest";
import { type Candle, seriesFromCandles } from "../domain/candles.js";
import { DataError } from "./data-error.js";
import { checkSeries, validateSeries } from "./validate.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);
const bar = (time: number, close = 100, overrides: Partial<Candle> = {}): Candle => ({
  time,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 10,
  ...overrides,
});
const hourly = (count: number) => Array.from({ length: count }, (_, i) => bar(T0 + i * HOUR, 100 + i));
const make = (candles: Candle[], timeframe: "1h" | undefined = undefined) =>
  seriesFromCandles("TEST", timeframe, candles);

function thrown(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error("expected a DataError");
}

describe("validateSeries", () => {
  it("returns the input itself with its inferred timeframe and says how it was chosen", () => {
    const input = make(hourly(10));
    const { series, report } = validateSeries(input);
    expect(series.time).toBe(input.time);
    expect(series.timeframe).toBe("1h");
    expect(report.timeframeSource).toBe("inferred");
    expect(report.notes[0]).toBe("timeframe 1h inferred from the most common step between bars (9 of 9 steps)");
    expect(report).toMatchObject({ rows: 10, outputRows: 10, errors: 0, warnings: 0, dropped: 0, filled: 0 });
    expect(report.firstTime).toBe(T0);
    expect(report.lastTime).toBe(T0 + 9 * HOUR);
  });

  it("rejects a bad row by default, naming the bar and value", () => {
    const candles = hourly(5);
    candles[2] = bar(T0 + 2 * HOUR, 100, { high: 100, low: 101 });
    const error = thrown(() => validateSeries(make(candles)));
    expect(error.message).toContain("bar 2: high 100 < low 101");
    expect(error.message).toContain('policy "drop" would drop the bad rows');
    expect(error.issues.map((issue) => issue.kind)).toEqual(["high-below-low"]);
  });

  it("drops bad rows, sorts and de-duplicates under 'drop', reporting what it dropped", () => {
    const candles = hourly(6);
    candles[1] = bar(T0 + HOUR, 100, { close: Number.NaN });
    const shuffled = [candles[0], candles[3], candles[2], candles[1], candles[4], bar(T0 + 4 * HOUR, 50), candles[5]];
    const { series, report } = validateSeries(make(shuffled as Candle[]), { policy: "drop" });
    expect(Array.from(series.time)).toEqual([0, 2, 3, 4, 5].map((h) => T0 + h * HOUR));
    expect(series.close[3]).toBe(104);
    expect(report.dropped).toBe(2);
    expect(report.droppedByKind).toEqual({ nan: 1, duplicate: 1 });
    expect(report.counts.unsorted).toBe(1);
    expect(report.gaps).toMatchObject({ count: 1, missingBars: 1 });
  });

  it("fills gaps with flat bars at the previous close under 'ffill'", () => {
    const candles = hourly(6).filter((_, i) => i !== 2 && i !== 3);
    const { series, report } = validateSeries(make(candles, "1h"), { policy: "ffill" });
    expect(Array.from(series.time)).toEqual([0, 1, 2, 3, 4, 5].map((h) => T0 + h * HOUR));
    expect(Array.from(series.close)).toEqual([100, 101, 101, 101, 104, 105]);
    expect(Array.from(series.volume)).toEqual([10, 10, 0, 0, 10, 10]);
    expect(report.filled).toBe(2);
    expect(report.outputRows).toBe(6);
    expect(report.notes).toContain("2 missing bars filled with flat bars at the previous close and volume 0");
  });

  it("warns about gaps, zero volume and spikes without throwing", () => {
    const candles = hourly(8).filter((_, i) => i !== 3);
    candles[1] = bar(T0 + HOUR, 101, { volume: 0 });
    candles[5] = bar(T0 + 6 * HOUR, 300);
    const { report } = validateSeries(make(candles));
    expect(report.counts).toMatchObject({ gap: 1, "zero-volume": 1, spike: 2 });
    expect(report.errors).toBe(0);
    expect(report.warnings).toBe(4);
    const spike = report.issues.find((issue) => issue.kind === "spike");
    expect(spike?.message).toBe("bar 5: close 300 is a +185.7 % move from the previous close 105 (|ln| 1.050 > 0.5)");
  });

  it("takes a configurable spike threshold and refuses a non-positive one", () => {
    const candles = [bar(T0, 100), bar(T0 + HOUR, 120), bar(T0 + 2 * HOUR, 121)];
    expect(validateSeries(make(candles)).report.counts.spike).toBe(0);
    expect(validateSeries(make(candles), { spikeThreshold: 0.1 }).report.counts.spike).toBe(1);
    expect(() => validateSeries(make(candles), { spikeThreshold: 0 })).toThrow(/spikeThreshold must be > 0, got 0/);
  });

  it("refuses a timeframe that contradicts the data under every policy", () => {
    for (const policy of ["reject", "drop", "ffill"] as const) {
      const error = thrown(() => validateSeries(make(hourly(10)), { timeframe: "4h", policy }));
      expect(error.message).toContain(
        "timeframe 4h was given but the most common step between bars is 1h (9 of 9 steps)",
      );
    }
  });

  it("refuses an unknown timeframe name", () => {
    expect(() => validateSeries(make(hourly(3)), { timeframe: "7m" })).toThrow(/unknown timeframe "7m"/);
  });

  it("uses the series' own timeframe before inferring one", () => {
    expect(validateSeries(make(hourly(3), "1h")).report.timeframeSource).toBe("series");
    expect(validateSeries(make(hourly(3)), { timeframe: "1h" }).report.timeframeSource).toBe("option");
  });

  it("warns about bars off the timeframe grid", () => {
    const candles = hourly(3).map((c) => ({ ...c, time: c.time + 30 * 60_000 }));
    const { report } = validateSeries(make(candles));
    expect(report.counts.misaligned).toBe(3);
    expect(report.issues[0]?.message).toBe("bar 0: time 2024-01-01T00:30:00.000Z is not on a 1h boundary");
  });

  it("does not count weekends of weekday data as gaps, but does count a missing weekday", () => {
    const days = Array.from({ length: 21 }, (_, d) => T0 + d * DAY).filter((t) => {
      const weekday = new Date(t).getUTCDay();
      return weekday !== 0 && weekday !== 6 && t !== T0 + 9 * DAY;
    });
    const { report } = validateSeries(make(days.map((t) => bar(t))));
    expect(report.calendar).toBe("weekdays");
    expect(report.gaps).toMatchObject({ count: 1, missingBars: 1, largestAt: T0 + 8 * DAY });
    expect(report.notes).toContain("no bar falls on a weekend: weekends are not counted as gaps (calendar: weekdays)");
    expect(validateSeries(make(days.map((t) => bar(t))), { calendar: "24/7" }).report.gaps.missingBars).toBe(2 + 1 + 2);
  });

  it("refuses an empty series and a series whose every row is bad", () => {
    expect(thrown(() => validateSeries(make([]), { policy: "drop" })).message).toContain("the series has no bars");
    const bad = [bar(T0, 100, { close: -1 }), bar(T0 + HOUR, 100, { open: Number.NaN })];
    expect(thrown(() => validateSeries(make(bad), { policy: "drop" })).message).toContain(
      "all 2 rows are bad; nothing is left",
    );
  });

  it("notes when the step is not a known timeframe and skips gap checks", () => {
    const candles = [0, 2, 4, 8].map((m) => bar(T0 + m * 60_000));
    const { report, series } = validateSeries(make(candles));
    expect(series.timeframe).toBeUndefined();
    expect(report.timeframeSource).toBe("unknown");
    expect(report.inferredStepMs).toBe(120_000);
    expect(report.notes[0]).toContain("the most common step, 2m, is not a timeframe; gaps not checked");
    expect(validateSeries(make(candles), { policy: "ffill" }).report.notes).toContain(
      "no gaps filled: the timeframe is unknown",
    );
  });

  it("keeps at most maxIssuesPerKind issues of a kind but counts them all", () => {
    const candles = hourly(50).map((c) => ({ ...c, volume: 0 }));
    const { report } = validateSeries(make(candles), { maxIssuesPerKind: 3 });
    expect(report.counts["zero-volume"]).toBe(50);
    expect(report.issues).toHaveLength(3);
  });

  it("sets the symbol when asked", () => {
    expect(validateSeries(make(hourly(3)), { symbol: "BTC/USDT" }).series.symbol).toBe("BTC/USDT");
  });
});

describe("checkSeries", () => {
  it("reports errors without throwing", () => {
    const candles = hourly(3);
    candles[1] = bar(T0 + HOUR, 100, { high: 99.5 });
    const report = checkSeries(make(candles));
    expect(report.errors).toBe(1);
    expect(report.issues[0]?.message).toBe("bar 1: high 99.5 < open 100, high 99.5 < close 100");
  });

  it("rejects a bar of 1e308 and a high 50x the close by default: no market prints them", () => {
    const huge = hourly(6);
    huge[3] = bar(T0 + 3 * HOUR, 1e308, { high: 1e308, low: 1e308 });
    const error = thrown(() => validateSeries(make(huge)));
    expect(error.issues.map((issue) => issue.kind)).toEqual(["implausible"]);
    expect(error.message).toContain("bar 3: open 1e+308, high 1e+308, low 1e+308, close 1e+308 outside the plausible");
    const wick = hourly(6);
    wick[2] = bar(T0 + 2 * HOUR, 102, { high: 102 * 50 });
    expect(thrown(() => validateSeries(make(wick))).message).toContain("bar 2: high 5100 is 50.5× the low 101");
  });

  it("rejects a close 100x beyond the previous one, and 'drop' drops that bar but keeps the honest next one", () => {
    const candles = hourly(6);
    candles[2] = bar(T0 + 2 * HOUR, 101 * 500);
    expect(thrown(() => validateSeries(make(candles))).message).toContain(
      "bar 2: close 50500 is 500× above the previous close 101 on bar 1 (limit 100×)",
    );
    const { series, report } = validateSeries(make(candles), { policy: "drop" });
    expect(Array.from(series.close)).toEqual([100, 101, 103, 104, 105]);
    expect(report.droppedByKind).toEqual({ implausible: 1 });
  });

  it("keeps real crashes and unadjusted splits as spike warnings, naming a likely split", () => {
    const candles = hourly(4);
    candles[2] = bar(T0 + 2 * HOUR, 101 / 7, { open: 101 / 7 });
    candles[3] = bar(T0 + 3 * HOUR, 101 / 7 / 2.2);
    const { report } = validateSeries(make(candles));
    expect(report.errors).toBe(0);
    expect(report.counts.spike).toBe(2);
    expect(report.issues[0]?.message).toContain("the open looks like a 7:1 split: is the data split-adjusted?");
    expect(report.issues[1]?.message).not.toContain("split");
  });

  it("lets a caller move the plausibility limits, and refuses a limit that is not positive", () => {
    const candles = hourly(4);
    candles[2] = bar(T0 + 2 * HOUR, 101 * 500);
    expect(validateSeries(make(candles), { plausibility: { maxMove: 1000 } }).report.errors).toBe(0);
    expect(() => validateSeries(make(candles), { plausibility: { maxMove: 0 } })).toThrow(
      "plausibility.maxMove must be > 0, got 0",
    );
  });

  it("counts gap and spike warnings inside the given range only, and says so", () => {
    const candles = hourly(30).filter((_, i) => i !== 3 && i !== 20);
    candles[10] = bar(candles[10]?.time as number, 300);
    const whole = checkSeries(make(candles, "1h"));
    expect(whole.gaps.count).toBe(2);
    expect(whole.counts.spike).toBe(2);
    const ranged = checkSeries(make(candles, "1h"), { range: { from: T0 + 15 * HOUR, to: T0 + 29 * HOUR } });
    expect(ranged.gaps).toMatchObject({ count: 1, missingBars: 1, largestAt: T0 + 19 * HOUR });
    expect(ranged.counts.spike).toBe(0);
    expect(ranged.notes).toContain(
      "gaps and spikes counted from 2024-01-01T15:00:00.000Z to 2024-01-02T05:00:00.000Z only",
    );
  });
});
