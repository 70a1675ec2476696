import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import type { CandleSeries } from "../../domain/candles.js";
import { CSV_FIELDS, layoutFromHeader } from "../csv/csv-header.js";
import type { CsvOptions } from "../csv/load-csv.js";
import { epochToMs } from "../csv/parse-timestamp.js";
import { DataError, excerpt, makeIssue } from "../data-error.js";
import { IssueLog } from "../issue-log.js";
import { dataFileError } from "../read-data-file.js";
import { type ValidatedSeries, validateSeries } from "../validate.js";
import { sqlIdentifier, sqlString, withDuckDb } from "./duckdb.js";

export type ParquetOptions = Omit<CsvOptions, "file" | "delimiter" | "dateFormat">;

const TIMESTAMP_TYPES = /^(TIMESTAMP|DATE)/;
const NUMBER_TYPES =
  /^(DOUBLE|FLOAT|REAL|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)/;

/**
 * Loads an OHLCV Parquet file into a validated CandleSeries, with the same column names (case-insensitive aliases,
 * see csv-header.ts), policy and report as `loadCsv`. The time column may be a TIMESTAMP, TIMESTAMPTZ or DATE, or a
 * number of epoch s/ms/µs/ns (unit by magnitude, see parse-timestamp.ts); the price and volume columns any numeric
 * type, read as doubles. Rows are read in file order and validated like CSV rows ("line" in messages is the row
 * number, 1-based, plus one for a header as in the CSV the file would convert to).
 */
export async function loadParquet(path: string | URL, options: ParquetOptions = {}): Promise<ValidatedSeries> {
  const file = typeof path === "string" ? path : fileURLToPath(path);
  // Checked here, not left to DuckDB, which would read a directory or a glob pattern as a set of files.
  try {
    if ((await stat(file)).isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
  } catch (error) {
    throw dataFileError(file, error);
  }
  const columns = await withDuckDb(async (connection) => {
    let described: { names: string[]; types: string[] };
    try {
      const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
      const rows = reader.getRowObjectsJS();
      described = {
        names: rows.map((row) => String(row.column_name)),
        types: rows.map((row) => String(row.column_type)),
      };
    } catch (error) {
      throw parquetError(file, error);
    }
    const layout = layoutFromHeader(described.names);
    if (typeof layout === "string") {
      throw new DataError([makeIssue("bad-header", `Parquet columns: ${layout}`, { file })], { file });
    }
    const selects = CSV_FIELDS.map((field) => {
      const column = layout.columns[field];
      const name = described.names[column] as string;
      const type = described.types[column] as string;
      const id = sqlIdentifier(name);
      if (field === "time" && TIMESTAMP_TYPES.test(type)) return `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)`;
      if (!NUMBER_TYPES.test(type)) {
        throw new DataError(
          [
            makeIssue(
              "bad-header",
              `column ${excerpt(name)} is ${type}, not a number${field === "time" ? " or a timestamp" : ""}`,
              { file },
            ),
          ],
          { file },
        );
      }
      return `CAST(${id} AS DOUBLE)`;
    });
    const result = await connection.run(`SELECT ${selects.join(", ")} FROM read_parquet(${sqlString(file)})`);
    const out = CSV_FIELDS.map(() => new Float64Array(result.rowCount));
    let row = 0;
    // Chunk by chunk, column by column: a typed read per value instead of a JS object per row.
    for (let c = 0; c < result.chunkCount; c++) {
      const chunk = result.getChunk(c);
      out.forEach((column, k) => {
        const vector = chunk.getColumnVector(k);
        for (let r = 0; r < chunk.rowCount; r++) column[row + r] = (vector.getItem(r) as number | null) ?? Number.NaN;
      });
      row += chunk.rowCount;
    }
    return out;
  });
  const length = columns[0]?.length ?? 0;
  if (length === 0) throw new DataError([makeIssue("empty", "the Parquet file has no rows", { file })], { file });
  const time = columns[0] as Float64Array;
  for (let i = 0; i < length; i++) time[i] = epochToMs(time[i] as number);
  const series: CandleSeries = {
    symbol: options.symbol ?? symbolFromParquetPath(file),
    timeframe: undefined,
    time,
    open: columns[1] as Float64Array,
    high: columns[2] as Float64Array,
    low: columns[3] as Float64Array,
    close: columns[4] as Float64Array,
    volume: columns[5] as Float64Array,
    length,
  };
  const { symbol: _symbol, ...validate } = options;
  const lines = Int32Array.from({ length }, (_, i) => i + 2);
  return validateSeries(series, {
    ...validate,
    symbol: series.symbol,
    source: { file, lines, rowsRead: length, log: new IssueLog(options.maxIssuesPerKind ?? 100) },
  });
}

/** "data/btc_1h.parquet" → "btc_1h". */
export function symbolFromParquetPath(path: string): string {
  return basename(path).replace(/\.parquet$/i, "");
}

/** What DuckDB says about a file it cannot read as Parquet, as a DataError about the file. */
function parquetError(file: string, error: unknown): Error {
  const message = (error as Error).message ?? String(error);
  const first = message.split("\n")[0] ?? message;
  return new DataError([makeIssue("binary", `not a readable Parquet file: ${excerpt(first, 160)}`, { file })], {
    file,
  });
}
