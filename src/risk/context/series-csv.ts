import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { gunzipSync } from "node:zlib";
import { COLUMN_ALIASES, CSV_FIELDS, normalizeHeaderName } from "../../data/csv/csv-header.js";
import { isGzip } from "../../data/csv/load-csv.js";
import { tryParseTimestamp } from "../../data/csv/parse-timestamp.js";
import { DataError, makeIssue } from "../../data/data-error.js";
import { mostCommonStep } from "../../data/infer-timeframe.js";
import { IssueLog } from "../../data/issue-log.js";
import { PointSeriesProvider } from "./provider.js";
import { formatInstant } from "./time.js";

/**
 * What a file's timestamp means. "publication": the value was known at its timestamp (a sentiment index published
 * at 00:00). "period-start": the value closes or sums the period that starts at its timestamp (an hourly bar
 * stamped at its open, an hourly inflow total), so it is known only when that period ends: timestamp + period.
 */
export type TimestampMeaning = "publication" | "period-start";

export interface SeriesCsvOptions {
  /** Name in reasons and errors; default: the file name without .csv/.csv.gz. */
  readonly name?: string;
  /** Header name of the value column; default: the only non-time column, else "value", else "close". */
  readonly column?: string;
  /** Default "publication". */
  readonly timestamps?: TimestampMeaning;
  /** Length of one period (ms); default: the most common step between rows. */
  readonly periodMs?: number;
  /** Staleness limit (ms); default: two periods. */
  readonly maxAgeMs?: number;
  /** Returns a message when a parsed value is impossible for this series (a sentiment index of 140). */
  readonly checkValue?: (value: number) => string | undefined;
}

/** Reads a timestamp+value CSV file (plain or gzip) into a point-in-time provider; see `parseSeriesCsv`. */
export async function loadSeriesCsv(
  path: string,
  options: SeriesCsvOptions = {},
): Promise<PointSeriesProvider<number>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`cannot read context series ${path}: ${(error as Error).message}`, { cause: error });
  }
  const text = isGzip(bytes) ? gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
  return parseSeriesCsv(text, path, options);
}

/**
 * Parses a time series CSV: a timestamp column (timestamp|time|ts|date|datetime|open_time; epoch s/ms/µs/ns or
 * ISO-8601, see parse-timestamp.ts) and one value column. Rows must be strictly increasing in time; an unsorted or
 * duplicate row, a value that is not a number, or a row with the wrong number of fields throws a DataError naming
 * file and line. A file without a header is read as timestamp,value (or timestamp,open,high,low,close,volume when
 * the column asked for is one of those). Each point's time becomes the instant it was known (see TimestampMeaning).
 */
export function parseSeriesCsv(
  text: string,
  file: string,
  options: SeriesCsvOptions = {},
): PointSeriesProvider<number> {
  const name = options.name ?? basename(file).replace(/(\.csv)?(\.gz)?$/i, "");
  const log = new IssueLog(20);
  const lines = text.replace(/^\ufeff/, "").split("\n");
  let lineNumber = 0;
  let layout: Layout | undefined;
  const times: number[] = [];
  const values: number[] = [];
  for (const raw of lines) {
    lineNumber++;
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") continue;
    const fields = line.split(",").map(unquote);
    if (layout === undefined) {
      const found = findLayout(fields, options.column);
      if (typeof found === "string")
        throw new DataError([makeIssue("bad-header", found, { file, line: lineNumber })], { file });
      layout = found;
      if (found.header) continue;
    }
    if (fields.length !== layout.fieldCount) {
      log.add("malformed-row", `${fields.length} fields, expected ${layout.fieldCount}`, { file, line: lineNumber });
      continue;
    }
    const stamp = fields[layout.timeColumn] as string;
    const time = tryParseTimestamp(stamp);
    if (Number.isNaN(time)) {
      log.add("malformed-row", `timestamp "${stamp}" is neither an epoch number nor an ISO-8601 date`, {
        file,
        line: lineNumber,
      });
      continue;
    }
    const cell = fields[layout.valueColumn] as string;
    const value = cell === "" ? Number.NaN : Number(cell);
    if (!Number.isFinite(value)) {
      log.add("nan", `${layout.valueName} "${cell}" is not a number`, { file, line: lineNumber, time });
      continue;
    }
    const bad = options.checkValue?.(value);
    if (bad !== undefined) {
      log.add("malformed-row", `${layout.valueName} ${value}: ${bad}`, { file, line: lineNumber, time });
      continue;
    }
    const previous = times.length > 0 ? (times[times.length - 1] as number) : Number.NEGATIVE_INFINITY;
    if (time <= previous) {
      const kind = time === previous ? "duplicate" : "unsorted";
      const detail =
        kind === "duplicate"
          ? `timestamp ${formatInstant(time)} appears twice`
          : `timestamp ${formatInstant(time)} is before the previous row's ${formatInstant(previous)}; rows must be sorted by time`;
      log.add(kind, detail, { file, line: lineNumber, time });
      continue;
    }
    times.push(time);
    values.push(value);
  }
  if (times.length === 0 && log.count("error") === 0) log.add("empty", "no data rows", { file });
  if (log.count("error") > 0) throw new DataError(log.issues(), { file, total: log.count("error") });

  const meaning = options.timestamps ?? "publication";
  const periodMs = options.periodMs ?? mostCommonStep(times)?.stepMs;
  if (periodMs === undefined && (meaning === "period-start" || options.maxAgeMs === undefined)) {
    throw new RangeError(
      `${file}: cannot infer the period of a series with ${times.length} row(s); set its period (periodMinutes) and staleness limit (maxAgeMinutes)`,
    );
  }
  const lag = meaning === "period-start" ? (periodMs as number) : 0;
  const known = Float64Array.from(times, (t) => t + lag);
  return new PointSeriesProvider(name, known, values, { maxAgeMs: options.maxAgeMs ?? 2 * (periodMs as number) });
}

interface Layout {
  readonly header: boolean;
  readonly timeColumn: number;
  readonly valueColumn: number;
  readonly fieldCount: number;
  readonly valueName: string;
}

function findLayout(fields: readonly string[], column: string | undefined): Layout | string {
  const wanted = column === undefined ? undefined : normalizeHeaderName(column);
  const header = Number.isNaN(tryParseTimestamp(fields[0] ?? ""));
  if (!header) {
    if (wanted === undefined && fields.length === 2) {
      return { header, timeColumn: 0, valueColumn: 1, fieldCount: 2, valueName: "value" };
    }
    const ohlcv = CSV_FIELDS.indexOf((wanted ?? "") as (typeof CSV_FIELDS)[number]);
    if (ohlcv > 0 && fields.length >= CSV_FIELDS.length) {
      return { header, timeColumn: 0, valueColumn: ohlcv, fieldCount: fields.length, valueName: wanted as string };
    }
    return `no header row and ${fields.length} fields; expected timestamp,value or a header naming the columns`;
  }
  const names = fields.map(normalizeHeaderName);
  const timeAliases: readonly string[] = COLUMN_ALIASES.time;
  const timeColumn = timeAliases.map((alias) => names.indexOf(alias)).find((i) => i >= 0);
  if (timeColumn === undefined) {
    return `header has no time column (${timeAliases.join("|")}); found: ${fields.join(", ")}`;
  }
  let valueColumn: number;
  if (wanted !== undefined) valueColumn = names.indexOf(wanted);
  else if (names.length === 2) valueColumn = 1 - timeColumn;
  else valueColumn = names.includes("value") ? names.indexOf("value") : names.indexOf("close");
  if (valueColumn < 0 || valueColumn === timeColumn) {
    const asked = wanted === undefined ? "value column (value|close, or name one with `column`)" : `column "${column}"`;
    return `header has no ${asked}; found: ${fields.join(", ")}`;
  }
  return { header, timeColumn, valueColumn, fieldCount: fields.length, valueName: names[valueColumn] as string };
}

function unquote(field: string): string {
  const text = field.trim();
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).trim() : text;
}
