import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CandleSeries } from "../domain/candles.js";
import { sharedDataDir, sharedDataPresent } from "../indicators/testing/reference-data.js";
import { DataError } from "./data-error.js";
import { convertCandleFile, loadCandles } from "./load-candles.js";
import { sqlString, withDuckDb } from "./parquet/duckdb.js";
import { loadParquet } from "./parquet/load-parquet.js";
import { DataFileError } from "./read-data-file.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aegis-candles-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

/** Every value of every column as its 64 bits, so -0, NaN payloads or a last-digit change would all show. */
function bits(series: CandleSeries): string[] {
  return COLUMNS.map((column) =>
    Buffer.from(series[column].buffer, series[column].byteOffset, series[column].byteLength).toString("hex"),
  );
}

describe("loadCandles and convertCandleFile", () => {
  it("round-trips awkward doubles CSV → Parquet → CSV with the same bits", async () => {
    // Values whose shortest text needs 17 digits, or that no short decimal text names exactly.
    const values = [0.1 + 0.2, 1 / 3, 0.7 * 0.3 + 0.1, Math.PI / 10, Math.SQRT1_2 * 0.5, 0.12345678901234568];
    const rows = values.map((v, i) => `${1_704_067_200_000 + i * 3_600_000},${v},${v * 2},${v / 2},${v},${v * 7}`);
    const csv = join(dir, "awkward.csv");
    await writeFile(csv, `timestamp,open,high,low,close,volume\n${rows.join("\n")}\n`);
    const parquet = join(dir, "awkward.parquet");
    const original = await convertCandleFile(csv, parquet);
    const fromParquet = await loadParquet(parquet);
    expect(bits(fromParquet.series)).toEqual(bits(original.series));
    const back = join(dir, "awkward-back.csv.gz");
    await convertCandleFile(parquet, back);
    const fromCsv = await loadCandles(back);
    expect(Array.from(fromCsv.series.close)).toEqual(values);
    expect(bits(fromCsv.series)).toEqual(bits(original.series));
    expect(fromCsv.series.symbol).toBe("awkward-back");
  });

  it("reads Parquet written by another tool: TIMESTAMP times, mixed-case names, integer volume", async () => {
    const path = join(dir, "other.parquet");
    await withDuckDb(async (connection) => {
      await connection.run(
        `COPY (SELECT to_timestamp(1704067200 + i * 3600) AS Datetime, 100.0 + i AS "Open", 101.5 + i AS High, 99.25 + i AS Low, 100.5 + i AS Close, (i + 1)::BIGINT AS Volume FROM range(48) t(i)) TO ${sqlString(path)} (FORMAT parquet)`,
      );
    });
    const { series, report } = await loadCandles(path);
    expect(series.length).toBe(48);
    expect(series.timeframe).toBe("1h");
    expect(series.time[1]).toBe(Date.UTC(2024, 0, 1, 1));
    expect([series.open[2], series.high[2], series.low[2], series.close[2], series.volume[2]]).toEqual([
      102, 103.5, 101.25, 102.5, 3,
    ]);
    expect(report.errors).toBe(0);
  });

  it("validates Parquet like CSV: a bad row is refused naming its row", async () => {
    const path = join(dir, "bad.parquet");
    await withDuckDb(async (connection) => {
      await connection.run(
        `COPY (SELECT 1704067200000 + i * 3600000 AS timestamp, 100.0 AS open, CASE WHEN i = 5 THEN 1e308 ELSE 101.0 END AS high, 99.0 AS low, 100.0 AS close, 1.0 AS volume FROM range(10) t(i)) TO ${sqlString(path)} (FORMAT parquet)`,
      );
    });
    const error = await loadParquet(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toContain(`${path} line 7: high 1e+308 outside the plausible price range`);
  });

  it("says plainly when a file is missing, a directory, or not Parquet", async () => {
    await expect(loadCandles(join(dir, "none.parquet"))).rejects.toThrow(
      new DataFileError(`${join(dir, "none.parquet")}: no such file`, "ENOENT"),
    );
    await expect(loadParquet(dir)).rejects.toThrow(`${dir}: is a directory, not a file`);
    await expect(loadCandles(dir)).rejects.toThrow(`${dir}: is a directory, not a file`);
    const fake = join(dir, "fake.parquet");
    await writeFile(fake, "timestamp,open\n");
    await expect(loadParquet(fake)).rejects.toThrow(
      /not a readable Parquet file: "Invalid Input Error: No magic bytes/,
    );
  });

  const btc = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
  it.skipIf(!sharedDataPresent(btc))(
    `converts the real BTC 1h file to Parquet and back with the same bits (needs ${btc})`,
    async () => {
      const parquet = join(dir, "btc.parquet");
      const original = await convertCandleFile(btc, parquet);
      expect(original.series.length).toBe(65_699);
      const fromParquet = await loadCandles(parquet);
      expect(bits(fromParquet.series)).toEqual(bits(original.series));
      expect(fromParquet.report.gaps).toEqual(original.report.gaps);
      const back = join(dir, "btc.csv.gz");
      await convertCandleFile(parquet, back);
      expect(bits((await loadCandles(back)).series)).toEqual(bits(original.series));
      // The text differs only in spelling ("3713.0" is written back as "3713"): the same number of lines.
      const lines = (path: string) =>
        readFile(path).then((bytes) => gunzipSync(bytes).toString("utf8").split("\n").length);
      expect(await lines(back)).toBe(await lines(btc));
    },
  );
});
