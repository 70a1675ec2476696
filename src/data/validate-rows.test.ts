import { describe, expect, it } from "vitest";
import { type Candle, seriesFromCandles } from "../domain/candles.js";
import { IssueLog } from "./issue-log.js";
import { checkRows } from "./validate-rows.js";

const HOUR = 3_600_000;
const bar = (time: number, close = 100, overrides: Partial<Candle> = {}): Candle => ({
  time,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 10,
  ...overrides,
});
const run = (candles: Candle[], lines?: number[]) => {
  const log = new IssueLog();
  const result = checkRows(seriesFromCandles("T", "1h", candles), { file: "f.csv", lines }, log);
  return { ...result, log, messages: log.issues().map((issue) => issue.message) };
};

describe("checkRows", () => {
  it("returns no order for clean sorted rows, so the caller can keep the input", () => {
    const { order, log } = run([bar(0), bar(HOUR), bar(2 * HOUR)]);
    expect(order).toBeUndefined();
    expect(log.count("error") + log.count("warning")).toBe(0);
  });

  it("names the field and value of each bad row and drops it", () => {
    const { order, messages, droppedByKind } = run(
      [
        bar(0),
        bar(HOUR, 100, { close: Number.NaN }),
        bar(2 * HOUR, 100, { low: 0 }),
        bar(3 * HOUR, 100, { high: 100, low: 101 }),
        bar(4 * HOUR, 100, { high: 100.5, close: 101 }),
        bar(5 * HOUR, 100, { volume: -3 }),
        bar(6 * HOUR, 100, { volume: 0 }),
      ],
      [2, 3, 4, 5, 6, 7, 8],
    );
    expect(messages).toEqual([
      "f.csv line 3: close is NaN at 1970-01-01T01:00:00.000Z (missing or not a number)",
      "f.csv line 4: low 0 is not a positive price",
      "f.csv line 5: high 100 < low 101",
      "f.csv line 6: high 100.5 < close 101",
      "f.csv line 7: volume -3 is negative",
      "f.csv line 8: volume is 0 at 1970-01-01T06:00:00.000Z",
    ]);
    expect(Array.from(order ?? [])).toEqual([0, 6]);
    expect(droppedByKind).toEqual({
      nan: 1,
      "non-positive-price": 1,
      "high-below-low": 1,
      "ohlc-inconsistent": 1,
      "negative-volume": 1,
    });
  });

  it("reports a row earlier than the one before it, sorts, and keeps the first of duplicate times", () => {
    const { order, messages } = run(
      [bar(0), bar(2 * HOUR), bar(HOUR), bar(2 * HOUR, 50), bar(3 * HOUR)],
      [2, 3, 4, 5, 6],
    );
    expect(messages).toEqual([
      "f.csv line 4: time 1970-01-01T01:00:00.000Z is earlier than 1970-01-01T02:00:00.000Z on line 3",
      "f.csv line 5: duplicate time 1970-01-01T02:00:00.000Z (first on line 3)",
    ]);
    expect(Array.from(order ?? [])).toEqual([0, 2, 1, 4]);
  });

  it("names bars by index when lines are unknown", () => {
    const { messages } = run([bar(0), bar(0)]);
    expect(messages).toEqual(["f.csv bar 1: duplicate time 1970-01-01T00:00:00.000Z (first on bar 0)"]);
  });
});
