import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { DataError } from "../../data/data-error.js";
import { loadSeriesCsv, parseSeriesCsv } from "./series-csv.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 2, 5, 14);
const dir = mkdtempSync(join(tmpdir(), "aegis-series-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error("expected a DataError");
}

describe("parseSeriesCsv", () => {
  it("reads timestamp,value rows with ms, s and ISO timestamps", () => {
    const text = `timestamp,value\n${T0},10\n${(T0 + H) / 1000},11\n2024-03-05T16:00:00Z,12\n`;
    const p = parseSeriesCsv(text, "fg.csv");
    expect(p.name).toBe("fg");
    expect(p.at(T0 + 2 * H)).toEqual({ value: 12, time: T0 + 2 * H });
    expect(p.at(T0 + H + 5)).toEqual({ value: 11, time: T0 + H });
  });

  it("reads a file without a header as timestamp,value and CRLF line ends", () => {
    const p = parseSeriesCsv(`${T0},5\r\n${T0 + H},6\r\n`, "x.csv");
    expect(p.at(T0 + H)?.value).toBe(6);
  });

  it("picks the named column, else value, else close, from a wider header", () => {
    const ohlcv = `timestamp,open,high,low,close,volume\n${T0},1,2,0.5,1.5,9\n${T0 + H},1.5,2,1,1.8,9\n`;
    expect(parseSeriesCsv(ohlcv, "spy.csv").at(T0)?.value).toBe(1.5);
    expect(parseSeriesCsv(ohlcv, "spy.csv", { column: "high" }).at(T0)?.value).toBe(2);
    const named = `date,"Inflow BTC",note\n2024-03-05,1200,x\n2024-03-06,300,y\n`;
    expect(parseSeriesCsv(named, "w.csv", { column: "inflow btc" }).at(Date.UTC(2024, 2, 6))?.value).toBe(300);
    expect(() => parseSeriesCsv(named, "w.csv")).toThrow(/w.csv line 1: header has no value column \(value\|close/);
  });

  it("shifts period-start stamps to the end of the period: an hourly close is known an hour after its bar opens", () => {
    const text = `timestamp,close\n${T0},100\n${T0 + H},99\n${T0 + 2 * H},98\n`;
    const p = parseSeriesCsv(text, "spy.csv", { timestamps: "period-start" });
    expect(p.at(T0 + H - 1)).toBeUndefined();
    expect(p.at(T0 + H)).toEqual({ value: 100, time: T0 + H });
    expect(p.at(T0 + 3 * H)).toEqual({ value: 98, time: T0 + 3 * H });
  });

  it("defaults the staleness limit to two periods", () => {
    const p = parseSeriesCsv(`timestamp,value\n${T0},1\n${T0 + H},2\n`, "x.csv");
    expect(p.at(T0 + 3 * H)?.value).toBe(2);
    expect(p.at(T0 + 3 * H + 1)).toBeUndefined();
    expect(parseSeriesCsv(`timestamp,value\n${T0},1\n${T0 + H},2\n`, "x.csv", { maxAgeMs: 10 * H }).maxAgeMs).toBe(
      10 * H,
    );
  });

  it("rejects a file with unsorted rows naming file and line", () => {
    const error = errorOf(() => parseSeriesCsv(`timestamp,value\n${T0 + H},1\n${T0},2\n`, "data/fg.csv"));
    expect(error.issues[0]?.kind).toBe("unsorted");
    expect(error.message).toContain("data/fg.csv line 3: timestamp 2024-03-05 14:00 is before the previous row's");
  });

  it("rejects duplicate timestamps, values that are not numbers and impossible values, naming each line", () => {
    const text = `timestamp,value\n${T0},1\n${T0},2\n${T0 + H},abc\n${T0 + 2 * H},\n${T0 + 3 * H},140\n`;
    const error = errorOf(() =>
      parseSeriesCsv(text, "fg.csv", { checkValue: (v) => (v <= 100 ? undefined : "the index runs from 0 to 100") }),
    );
    expect(error.issues.map((i) => [i.kind, i.line])).toEqual([
      ["duplicate", 3],
      ["nan", 4],
      ["nan", 5],
      ["malformed-row", 6],
    ]);
    expect(error.message).toContain('fg.csv line 4: value "abc" is not a number');
    expect(error.message).toContain("fg.csv line 6: value 140: the index runs from 0 to 100");
  });

  it("rejects rows with the wrong number of fields and timestamps it cannot read", () => {
    const error = errorOf(() => parseSeriesCsv(`timestamp,value\n${T0},1,2\nyesterday,3\n`, "x.csv"));
    expect(error.message).toContain("x.csv line 2: 3 fields, expected 2");
    expect(error.message).toContain('x.csv line 3: timestamp "yesterday" is neither');
  });

  it("rejects an empty file and a header without a time column", () => {
    expect(errorOf(() => parseSeriesCsv("timestamp,value\n", "e.csv")).issues[0]?.kind).toBe("empty");
    expect(() => parseSeriesCsv("when,value\n1,2\n", "h.csv")).toThrow(/h.csv line 1: header has no time column/);
  });

  it("asks for the period when a one-row series cannot tell it", () => {
    expect(() => parseSeriesCsv(`timestamp,value\n${T0},1\n`, "one.csv")).toThrow(/set its period/);
    expect(parseSeriesCsv(`timestamp,value\n${T0},1\n`, "one.csv", { periodMs: H }).at(T0 + H)?.value).toBe(1);
  });
});

describe("loadSeriesCsv", () => {
  it("loads plain and gzip files", async () => {
    const text = `timestamp,value\n${T0},7\n${T0 + H},8\n`;
    writeFileSync(join(dir, "plain.csv"), text);
    writeFileSync(join(dir, "packed.csv.gz"), gzipSync(text));
    expect((await loadSeriesCsv(join(dir, "plain.csv"))).at(T0 + H)?.value).toBe(8);
    const packed = await loadSeriesCsv(join(dir, "packed.csv.gz"));
    expect(packed.name).toBe("packed");
    expect(packed.at(T0)?.value).toBe(7);
  });

  it("names the file it cannot read", async () => {
    await expect(loadSeriesCsv(join(dir, "absent.csv"))).rejects.toThrow(/cannot read context series .*absent.csv/);
  });
});
