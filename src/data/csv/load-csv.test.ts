import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { DataError } from "../data-error.js";
import { isGzip, loadCsv, parseCsvText, symbolFromPath } from "./load-csv.js";

const HEADER = "timestamp,open,high,low,close,volume";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);
/** `count` clean hourly rows from 2024-01-01 00:00 UTC, close 100, 101, … */
const rows = (count: number) =>
  Array.from({ length: count }, (_, i) => `${T0 + i * HOUR},${100 + i},${101 + i},${99 + i},${100 + i},10`);

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aegis-load-csv-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function loadError(name: string, lines: string[], options = {}): Promise<{ path: string; error: DataError }> {
  const path = await write(name, `${lines.join("\n")}\n`);
  try {
    await loadCsv(path, options);
  } catch (error) {
    if (error instanceof DataError) return { path, error };
    throw error;
  }
  throw new Error(`${name} loaded without a DataError`);
}

describe("loadCsv rejects bad files naming file, line and value", () => {
  it("duplicate timestamps", async () => {
    const data = rows(4);
    data.splice(2, 0, data[1] as string);
    const { path, error } = await loadError("duplicate.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 4: duplicate time 2024-01-01T01:00:00.000Z (first on line 3)`);
    expect(error.issues[0]).toMatchObject({ kind: "duplicate", file: path, line: 4, time: T0 + HOUR });
  });

  it("unsorted rows", async () => {
    const data = rows(4);
    const { path, error } = await loadError("unsorted.csv", [HEADER, data[0], data[2], data[1], data[3]] as string[]);
    expect(error.message).toContain(
      `${path} line 4: time 2024-01-01T01:00:00.000Z is earlier than 2024-01-01T02:00:00.000Z on line 3`,
    );
  });

  it("NaN and empty values", async () => {
    const data = rows(3);
    data[1] = `${T0 + HOUR},101,102,100,NaN,10`;
    data[2] = `${T0 + 2 * HOUR},102,103,101,102,`;
    const { path, error } = await loadError("nan.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 3: close is NaN at 2024-01-01T01:00:00.000Z`);
    expect(error.message).toContain(`${path} line 4: volume is NaN at 2024-01-01T02:00:00.000Z`);
  });

  it("zero and negative prices", async () => {
    const data = rows(3);
    data[2] = `${T0 + 2 * HOUR},102,103,0,102,10`;
    const { path, error } = await loadError("zero-price.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 4: low 0 is not a positive price`);
    expect(error.issues[0]?.kind).toBe("non-positive-price");
  });

  it("high below low", async () => {
    const data = rows(20);
    data[15] = `${T0 + 15 * HOUR},100.5,100,101,100.5,10`;
    const { path, error } = await loadError("high-low.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 17: high 100 < low 101`);
  });

  it("open or close outside the high-low range", async () => {
    const data = rows(3);
    data[1] = `${T0 + HOUR},101,102,100,102.5,10`;
    const { path, error } = await loadError("ohlc.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 3: high 102 < close 102.5`);
    expect(error.issues[0]?.kind).toBe("ohlc-inconsistent");
  });

  it("negative volume", async () => {
    const data = rows(3);
    data[1] = `${T0 + HOUR},101,102,100,101,-4.5`;
    const { path, error } = await loadError("negative-volume.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 3: volume -4.5 is negative`);
  });

  it("text where a number belongs", async () => {
    const data = rows(3);
    data[1] = `${T0 + HOUR},101,102,100,1O1,10`;
    const { path, error } = await loadError("text.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 3: close "1O1" is not a number`);
    expect(error.issues[0]?.kind).toBe("malformed-row");
  });

  it("a stray quote", async () => {
    const data = rows(3);
    data[2] = `${T0 + 2 * HOUR},102,"103,101,102,10`;
    const { path, error } = await loadError("quote.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 4: has a quote that is not closed`);
    expect(error.message).toContain('102,\\"103,101');
  });

  it("a row with too few fields", async () => {
    const data = rows(3);
    data[0] = `${T0},100,101,99,100`;
    const { path, error } = await loadError("short.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 2: has 5 fields, the header (line 1) has 6`);
  });

  it("a bad timestamp", async () => {
    const data = rows(3);
    data[1] = `2024-01-01 01:00:00+25:00,101,102,100,101,10`;
    const { path, error } = await loadError("bad-time.csv", [HEADER, ...data]);
    expect(error.message).toContain(`${path} line 3: timestamp "2024-01-01 01:00:00+25:00" is neither`);
  });

  it("a header without a needed column", async () => {
    const { path, error } = await loadError("bad-header.csv", ["Date/Time,Open,High,Low,Last,Volume", ...rows(2)]);
    expect(error.message).toContain(`${path} line 1: header has no column for "timestamp"`);
    expect(error.message).toContain('"close" (close|c); found: "Date/Time, Open, High, Low, Last, Volume"');
    expect(error.issues[0]?.kind).toBe("bad-header");
  });

  it("an empty file and a header without rows", async () => {
    const empty = await loadError("empty.csv", []);
    expect(empty.error.message).toContain(`${empty.path}: the file is empty`);
    const headerOnly = await loadError("header-only.csv", [HEADER]);
    expect(headerOnly.error.message).toContain(`${headerOnly.path}: no data rows after the header (line 1)`);
    expect(headerOnly.error.issues[0]?.kind).toBe("empty");
  });

  it("a timeframe that the data contradicts", async () => {
    const { path, error } = await loadError("mismatch.csv", [HEADER, ...rows(5)], { timeframe: "4h" });
    expect(error.message).toContain(`${path}: timeframe 4h was given but the most common step between bars is 1h`);
  });

  it("lists the first five errors and counts the rest", async () => {
    const data = rows(20).map((row, i) => (i % 2 === 1 ? row.replace(/,10$/, ",-1") : row));
    const { error } = await loadError("many.csv", [HEADER, ...data]);
    expect(error.message.split("\n")[0]).toMatch(/^10 data errors in .*many\.csv \(policy "reject"; policy "drop"/);
    expect(error.message).toContain("… and 5 more");
  });
});

describe("loadCsv warnings that do not stop a load", () => {
  it("reports gaps, zero volume, spikes and misaligned bars by line", async () => {
    const data = rows(8);
    data[1] = `${T0 + HOUR},101,102,100,101,0`;
    data[4] = `${T0 + 4 * HOUR},104,400,103,300,10`;
    data[5] = `${T0 + 5 * HOUR},300,305,104,105,10`;
    data[6] = `${T0 + 6 * HOUR + 60_000},106,107,105,106,10`;
    data.splice(2, 1);
    const path = await write("warnings.csv", `${[HEADER, ...data].join("\n")}\n`);
    const { report } = await loadCsv(path);
    const messages = report.issues.map((issue) => issue.message);
    expect(messages).toEqual([
      `${path} line 3: volume is 0 at 2024-01-01T01:00:00.000Z`,
      `${path} line 4: 1 missing bar between 2024-01-01T01:00:00.000Z and 2024-01-01T03:00:00.000Z`,
      `${path} line 5: close 300 is a +191.3 % move from the previous close 103 (|ln| 1.069 > 0.5)`,
      `${path} line 6: close 105 is a -65.0 % move from the previous close 300 (|ln| 1.050 > 0.5)`,
      `${path} line 7: time 2024-01-01T06:01:00.000Z is not on a 1h boundary`,
    ]);
    expect(report.issues.every((issue) => issue.severity === "warning")).toBe(true);
  });
});

describe("loadCsv policies on a file", () => {
  const messy = [
    HEADER,
    `${T0},100,101,99,100,10`,
    `${T0 + 2 * HOUR},102,103,101,102,10`,
    `${T0 + HOUR},101,102,100,101,10`,
    `${T0 + HOUR},555,556,554,555,10`,
    `${T0 + 3 * HOUR},103,102,104,103,10`,
    `${T0 + 4 * HOUR},abc,105,103,104,10`,
    `${T0 + 6 * HOUR},106,107,105,106,10`,
  ];

  it("'drop' removes bad rows, sorts, keeps the first duplicate and says what it dropped", async () => {
    const path = await write("messy-drop.csv", messy.join("\n"));
    const { series, report } = await loadCsv(path, { policy: "drop" });
    expect(Array.from(series.time)).toEqual([0, 1, 2, 6].map((h) => T0 + h * HOUR));
    expect(Array.from(series.close)).toEqual([100, 101, 102, 106]);
    expect(report).toMatchObject({ rows: 7, outputRows: 4, dropped: 3, policy: "drop" });
    expect(report.droppedByKind).toEqual({ "high-below-low": 1, duplicate: 1, "malformed-row": 1 });
    expect(report.gaps).toMatchObject({ count: 1, missingBars: 3, largestAt: T0 + 2 * HOUR });
    // Issues found after sorting still point at the file line of the bar.
    expect(report.issues.find((issue) => issue.kind === "gap")?.message).toBe(
      `${path} line 8: 3 missing bars between 2024-01-01T02:00:00.000Z and 2024-01-01T06:00:00.000Z`,
    );
  });

  it("'ffill' also fills the gaps with flat bars", async () => {
    const path = await write("messy-ffill.csv", messy.join("\n"));
    const { series, report } = await loadCsv(path, { policy: "ffill" });
    expect(Array.from(series.time)).toEqual([0, 1, 2, 3, 4, 5, 6].map((h) => T0 + h * HOUR));
    expect(Array.from(series.close)).toEqual([100, 101, 102, 102, 102, 102, 106]);
    expect(Array.from(series.volume)).toEqual([10, 10, 10, 0, 0, 0, 10]);
    expect(report.filled).toBe(3);
  });
});

describe("loadCsv formats", () => {
  const expectHourly = (time: Float64Array, count: number) =>
    expect(Array.from(time)).toEqual(Array.from({ length: count }, (_, i) => T0 + i * HOUR));

  it("reads epoch seconds, milliseconds and ISO-8601 timestamps", async () => {
    const seconds = rows(3).map((row) => row.replace(/^(\d+)000,/, "$1,"));
    const iso = rows(3).map((row, i) => row.replace(/^\d+,/, `2024-01-01T0${i}:00:00Z,`));
    const spaced = rows(3).map((row, i) => row.replace(/^\d+,/, `2024-01-01 0${i}:00:00+00:00,`));
    for (const [name, data] of [
      ["ms", rows(3)],
      ["s", seconds],
      ["iso", iso],
      ["spaced", spaced],
    ] as const) {
      const { series } = await loadCsv(await write(`${name}.csv`, [HEADER, ...data].join("\n")));
      expectHourly(series.time, 3);
    }
  });

  it("reads daily ISO dates without a time as midnight UTC", async () => {
    const text =
      "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,0.5,1.5,1.4,100\n2024-01-03,1,2,0.5,1.5,1.4,100\n";
    const { series } = parseCsvText(text);
    expect(Array.from(series.time)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(series.close[0]).toBe(1.5);
    expect(series.timeframe).toBe("1d");
  });

  it("reads gzip by its magic bytes whatever the file is called", async () => {
    const text = [HEADER, ...rows(3)].join("\n");
    for (const name of ["a.csv.gz", "b.csv"]) {
      const { series } = await loadCsv(await write(name, gzipSync(text)));
      expectHourly(series.time, 3);
    }
    const plainNamedGz = await loadCsv(await write("c.csv.gz", text));
    expectHourly(plainNamedGz.series.time, 3);
    expect(plainNamedGz.series.symbol).toBe("c");
  });

  it("explains a corrupt gzip file", async () => {
    const bytes = gzipSync([HEADER, ...rows(30)].join("\n")).subarray(0, 40);
    const path = await write("corrupt.csv.gz", bytes);
    await expect(loadCsv(path)).rejects.toThrow(`${path}: starts like gzip but cannot be decompressed`);
  });

  it("reads a file without a header, extra columns included (Binance kline dumps)", async () => {
    const data = rows(3).map((row) => `${row},1704070799999,1000.5,42,5,500.25,0`);
    const { series, report } = await loadCsv(await write("no-header.csv", data.join("\n")));
    expectHourly(series.time, 3);
    expect(Array.from(series.volume)).toEqual([10, 10, 10]);
    expect(report.rows).toBe(3);
  });

  it("handles CRLF line endings, a byte-order mark and blank lines", async () => {
    const text = `\uFEFF${HEADER}\r\n${rows(2).join("\r\n")}\r\n\r\n${rows(3)[2]}\r\n`;
    const { series, report } = parseCsvText(text, { file: "crlf.csv" });
    expectHourly(series.time, 3);
    expect(series.volume[2]).toBe(10);
    expect(report.errors).toBe(0);
  });

  it("names the series after the file unless told otherwise", async () => {
    const path = await write("binance_BTCUSDT_1h.csv.gz", gzipSync([HEADER, ...rows(2)].join("\n")));
    expect((await loadCsv(path)).series.symbol).toBe("binance_BTCUSDT_1h");
    expect((await loadCsv(path, { symbol: "BTC/USDT" })).series.symbol).toBe("BTC/USDT");
    expect(parseCsvText([HEADER, ...rows(2)].join("\n")).series.symbol).toBe("csv");
  });

  it("accepts a file URL", async () => {
    const path = await write("url.csv", [HEADER, ...rows(2)].join("\n"));
    const { report } = await loadCsv(new URL(`file://${path}`));
    expect(report.file).toBe(path);
  });
});

describe("helpers", () => {
  it("isGzip and symbolFromPath", () => {
    expect(isGzip(Uint8Array.from([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(Uint8Array.from([0x1f]))).toBe(false);
    expect(symbolFromPath("/x/SPY_1d.CSV")).toBe("SPY_1d");
    expect(symbolFromPath("data/btc.csv.gz")).toBe("btc");
    expect(symbolFromPath("notes.txt")).toBe("notes.txt");
  });
});

const dataDir = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));

describe.skipIf(!sharedDataPresent(dataDir))(`real market data in ${dataDir}`, () => {
  it.each(["BTCUSDT", "ETHUSDT"])(
    "loads Binance %s 1h with the default policy: 22 gaps, 61 missing bars, 4 zero-volume bars",
    async (pair) => {
      const { series, report } = await loadCsv(`${dataDir}crypto/binance_spot_${pair}_1h.csv.gz`);
      expect(series.length).toBe(65_699);
      expect(series.timeframe).toBe("1h");
      expect(report.firstTime).toBe(1_546_300_800_000);
      expect(report.lastTime).toBe(1_783_033_200_000);
      expect(report.errors).toBe(0);
      expect(report.gaps).toEqual({
        count: 22,
        missingBars: 61,
        largestMissingBars: 10,
        largestMs: 10 * HOUR,
        largestAt: Date.UTC(2019, 4, 15, 2),
      });
      expect(report.counts["zero-volume"]).toBe(4);
      expect(report.counts.spike).toBe(0);
      expect(report.warnings).toBe(22 + 4);
      const zero = report.issues.filter((issue) => issue.kind === "zero-volume").map((issue) => issue.time);
      expect(zero).toEqual([
        Date.UTC(2019, 5, 7, 21),
        Date.UTC(2020, 11, 21, 14),
        Date.UTC(2021, 1, 11, 3),
        Date.UTC(2023, 2, 24, 12),
      ]);
    },
  );

  it("loads SPY daily on the NYSE calendar: zero gaps, as the only missing weekdays are exchange holidays", async () => {
    for (const file of ["yahoo_SPY_1d.csv.gz", "lean_SPY_1d_unadjusted.csv.gz"]) {
      const { series, report } = await loadCsv(`${dataDir}equities/${file}`);
      expect(series.timeframe, file).toBe("1d");
      expect(report.calendar, file).toBe("nyse");
      expect(report.errors, file).toBe(0);
      expect(report.gaps.count, file).toBe(0);
      expect(report.notes, file).toContain(
        "no bar on weekends or NYSE holidays: neither is counted as a gap (calendar: nyse)",
      );
    }
    const { series } = await loadCsv(`${dataDir}equities/yahoo_SPY_1d.csv.gz`);
    expect(series.length).toBe(2_673);
    expect(series.close[0]).toBe(201.0192);
  });

  it("still reports a trading day missing from the real SPY file as a gap", async () => {
    const { series } = await loadCsv(`${dataDir}equities/yahoo_SPY_1d.csv.gz`);
    const removed = Date.UTC(2024, 3, 17);
    const rows = Array.from({ length: series.length }, (_, i) => i).filter((i) => series.time[i] !== removed);
    expect(rows.length).toBe(series.length - 1);
    const text = rows.map(
      (i) =>
        `${series.time[i]},${series.open[i]},${series.high[i]},${series.low[i]},${series.close[i]},${series.volume[i]}`,
    );
    const { report } = parseCsvText(`timestamp,open,high,low,close,volume\n${text.join("\n")}\n`);
    expect(report.calendar).toBe("nyse");
    expect(report.gaps).toMatchObject({ count: 1, missingBars: 1, largestAt: removed - DAY });
  });

  it("flags the unadjusted splits of Lean AAPL as spikes and the QQQQ years as one long gap", async () => {
    const aapl = await loadCsv(`${dataDir}equities/lean_AAPL_1d_unadjusted.csv.gz`);
    const spikes = aapl.report.issues.filter((issue) => issue.kind === "spike");
    expect(spikes.map((issue) => new Date(issue.time as number).toISOString().slice(0, 10))).toEqual([
      "2000-06-21",
      "2000-09-29",
      "2005-02-28",
      "2014-06-09",
      "2020-08-31",
    ]);
    const qqq = await loadCsv(`${dataDir}equities/lean_QQQ_1d_unadjusted.csv.gz`);
    // 1,645 weekdays from 2004-12-01 to 2011-03-22, of which 57 are NYSE holidays.
    expect(qqq.report.gaps).toMatchObject({ largestMissingBars: 1588, largestAt: Date.UTC(2004, 10, 30) });
  });

  it("ignores the indicator columns of a TA-Lib reference file and the empty cells in them", async () => {
    const { series, report } = await loadCsv(`${dataDir}ta_reference/talib_BTCUSDT_1h_2024.csv.gz`);
    expect(series.length).toBe(8_784);
    expect(report.errors).toBe(0);
    expect(report.gaps.count).toBe(0);
    expect(series.open[0]).toBe(42283.58);
  });

  it("refuses the funding-rate sample, which has no OHLCV columns", async () => {
    const path = `${dataDir}crypto/lean_binance_BTCUSD_PERP_funding_sample.csv`;
    await expect(loadCsv(path)).rejects.toThrow(`${path} line 1: header has no column for "open"`);
  });
});
