import { basename } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { DataError, excerpt, makeIssue } from "../data-error.js";
import { mostCommonStep } from "../infer-timeframe.js";
import { IssueLog } from "../issue-log.js";
import { readDataFile } from "../read-data-file.js";
import { detectDelimiter, splitQuoted } from "./csv-fields.js";
import { COLUMN_ALIASES, CSV_FIELDS, normalizeHeaderName } from "./csv-header.js";
import { isGzip } from "./load-csv.js";
import { tryParseTimestamp } from "./parse-timestamp.js";

const gunzipAsync = promisify(gunzip);

/**
 * What a file's timestamp means. "publication": the value was known at its timestamp (a sentiment index published
 * at 00:00, a funding rate settled at 08:00). "period-start": the value closes or sums the period that starts at its
 * timestamp (an hourly bar stamped at its open, an hourly inflow total), so it is known only when that period ends:
 * timestamp + period.
 */
export type TimestampMeaning = "publication" | "period-start";

export interface PointSeriesCsvOptions {
  /** Name in reasons and errors; default: the file name without .csv/.csv.gz. */
  readonly name?: string;
  /**
   * Header name of the value column, or names to try in order; default: the only non-time column, else "value",
   * else "close".
   */
  readonly column?: string | readonly string[];
  /** Header names of the time column to try before the usual ones (timestamp|time|ts|date|datetime|open_time). */
  readonly timeColumns?: readonly string[];
  /** Default "publication". */
  readonly timestamps?: TimestampMeaning;
  /** Length of one period (ms); default: the most common step between rows. */
  readonly periodMs?: number;
  /** Returns a message when a parsed value is impossible for this series (a sentiment index of 140). */
  readonly checkValue?: (value: number) => string | undefined;
}

/**
 * A point-in-time series as read from a file: `known[i]` is the instant value i could first be known (its
 * timestamp, shifted by one period for "period-start" data), strictly increasing.
 */
export interface PointSeries {
  readonly name: string;
  readonly file: string;
  readonly known: Float64Array;
  readonly values: Float64Array;
  /** The period given or inferred (most common step); undefined when a one-row file cannot tell. */
  readonly periodMs: number | undefined;
}

/** Reads a timestamp+value CSV file (plain or gzip) into a point-in-time series; see `parsePointSeriesCsv`. */
export async function loadPointSeriesCsv(path: string, options: PointSeriesCsvOptions = {}): Promise<PointSeries> {
  const bytes = await readDataFile(path);
  let text: string;
  try {
    text = isGzip(bytes) ? (await gunzipAsync(bytes)).toString("utf8") : bytes.toString("utf8");
  } catch (error) {
    throw new DataError(
      [makeIssue("binary", `starts like gzip but cannot be decompressed: ${(error as Error).message}`, { file: path })],
      { file: path },
    );
  }
  return parsePointSeriesCsv(text, path, options);
}

/**
 * Parses a time series CSV: a timestamp column (timestamp|time|ts|date|datetime|open_time, or `timeColumns`; epoch
 * s/ms/µs/ns or ISO-8601, see parse-timestamp.ts) and one value column, separated by commas, semicolons or tabs,
 * fields optionally quoted. Rows must be strictly increasing in time; an unsorted or duplicate row, a value that
 * is not a number, or a row with the wrong number of fields throws a DataError naming file and line. A file without
 * a header is read as timestamp,value (or timestamp,open,high,low,close,volume when the column asked for is one of
 * those). Each point's time becomes the instant it was known (see TimestampMeaning).
 */
export function parsePointSeriesCsv(text: string, file: string, options: PointSeriesCsvOptions = {}): PointSeries {
  const name = options.name ?? basename(file).replace(/(\.csv)?(\.gz)?$/i, "");
  const log = new IssueLog(20);
  const lines = text.replace(/^\ufeff/, "").split("\n");
  let lineNumber = 0;
  let layout: Layout | undefined;
  let delimiter = ",";
  const times: number[] = [];
  const values: number[] = [];
  for (const raw of lines) {
    lineNumber++;
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") continue;
    if (layout === undefined) delimiter = detectDelimiter(line);
    const fields = (splitQuoted(line, delimiter) ?? line.split(delimiter)).map((field) => field.trim());
    if (layout === undefined) {
      const found = findLayout(fields, options);
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
      log.add("malformed-row", `timestamp ${excerpt(stamp)} is neither an epoch number nor an ISO-8601 date`, {
        file,
        line: lineNumber,
      });
      continue;
    }
    const cell = fields[layout.valueColumn] as string;
    const value = cell === "" ? Number.NaN : Number(cell);
    if (!Number.isFinite(value)) {
      log.add("nan", `${layout.valueName} ${excerpt(cell)} is not a number`, { file, line: lineNumber, time });
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
          ? `timestamp ${minute(time)} appears twice`
          : `timestamp ${minute(time)} is before the previous row's ${minute(previous)}; rows must be sorted by time`;
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
  if (periodMs === undefined && meaning === "period-start") {
    throw new RangeError(
      `${file}: cannot infer the period of a series with ${times.length} row(s); set its period (periodMinutes) and staleness limit (maxAgeMinutes)`,
    );
  }
  const lag = meaning === "period-start" ? (periodMs as number) : 0;
  return {
    name,
    file,
    known: Float64Array.from(times, (t) => t + lag),
    values: Float64Array.from(values),
    periodMs,
  };
}

interface Layout {
  readonly header: boolean;
  readonly timeColumn: number;
  readonly valueColumn: number;
  readonly fieldCount: number;
  readonly valueName: string;
}

function findLayout(fields: readonly string[], options: PointSeriesCsvOptions): Layout | string {
  const column = options.column;
  const wantedList =
    column === undefined ? [] : (typeof column === "string" ? [column] : column).map(normalizeHeaderName);
  const wanted = wantedList[0];
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
  const timeAliases: readonly string[] = [
    ...(options.timeColumns ?? []).map(normalizeHeaderName),
    ...COLUMN_ALIASES.time,
  ];
  const timeColumn = timeAliases.map((alias) => names.indexOf(alias)).find((i) => i >= 0);
  const found = excerpt(fields.join(", "), 120);
  if (timeColumn === undefined) {
    return `header has no time column (${timeAliases.join("|")}); found: ${found}`;
  }
  let valueColumn: number;
  if (wanted !== undefined) valueColumn = wantedList.map((name) => names.indexOf(name)).find((i) => i >= 0) ?? -1;
  else if (names.length === 2) valueColumn = 1 - timeColumn;
  else valueColumn = names.includes("value") ? names.indexOf("value") : names.indexOf("close");
  if (valueColumn < 0 || valueColumn === timeColumn) {
    const asked =
      wanted === undefined
        ? "value column (value|close, or name one with `column`)"
        : wantedList.length === 1
          ? `column "${typeof column === "string" ? column : wanted}"`
          : `column for ${wantedList.join("|")}`;
    return `header has no ${asked}; found: ${found}`;
  }
  return { header, timeColumn, valueColumn, fieldCount: fields.length, valueName: names[valueColumn] as string };
}

/** Unix ms as "2024-03-05 15:00" (UTC; seconds only when they are not zero). */
function minute(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(16, 23) === ":00.000" ? "" : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds}`;
}
