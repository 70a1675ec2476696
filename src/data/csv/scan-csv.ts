import { DataError, makeIssue } from "../data-error.js";
import type { IssueLog } from "../issue-log.js";
import { CSV_FIELDS, type CsvLayout, layoutFromHeader, layoutWithoutHeader, looksLikeHeader } from "./csv-header.js";
import { epochToMs, tryParseTimestamp } from "./parse-timestamp.js";

/** OHLCV columns read from a CSV text, in file order, unvalidated; `lines[i]` is the file line of row i. */
export interface ScannedCsv {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly lines: Int32Array;
  /** Rows kept (parsed). */
  readonly length: number;
  /** Data rows in the file, kept or malformed (blank lines and the header excluded). */
  readonly rowsRead: number;
  readonly hasHeader: boolean;
}

/** Cell texts that mean "no value": stored as NaN for the validator to report, not as a malformed row. */
const MISSING = new Set(["", "nan", "null", "na", "n/a", "none", "-"]);
const NEWLINE = 10;
const RETURN = 13;
const DIGIT = /\d/;

/**
 * Reads CSV text into preallocated typed arrays with one pass of `indexOf` over the string, so no per-row object or
 * array is created. Rows that cannot be read (wrong field count, text where a number belongs, a double quote) are
 * skipped and logged as "malformed-row"; values that are missing ("", NaN, null) are kept as NaN.
 * Throws DataError for a file without rows or with a header lacking a needed column.
 */
export function scanCsv(text: string, file: string | undefined, log: IssueLog): ScannedCsv {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  let capacity = 1;
  for (let i = text.indexOf("\n", pos); i !== -1; i = text.indexOf("\n", i + 1)) capacity++;

  let lineNumber = 0;
  let layout: CsvLayout | undefined;
  let headerLine = 0;
  // The first non-blank line decides the layout; it is re-read as data when it is not a header.
  while (pos < length && layout === undefined) {
    let end = text.indexOf("\n", pos);
    if (end === -1) end = length;
    lineNumber++;
    const line = text.slice(pos, end).replace(/\r$/, "");
    if (line.trim() === "") {
      pos = end + 1;
      continue;
    }
    const fields = line.split(",");
    const isHeader = looksLikeHeader(fields);
    const found = isHeader ? layoutFromHeader(fields) : layoutWithoutHeader(fields.length);
    if (typeof found === "string") {
      throw new DataError([makeIssue("bad-header", found, { file, line: lineNumber })], inFile(file));
    }
    layout = found;
    if (isHeader) {
      headerLine = lineNumber;
      pos = end + 1;
    } else {
      lineNumber--;
    }
  }

  const time = new Float64Array(capacity);
  const open = new Float64Array(capacity);
  const high = new Float64Array(capacity);
  const low = new Float64Array(capacity);
  const close = new Float64Array(capacity);
  const volume = new Float64Array(capacity);
  const lines = new Int32Array(capacity);
  let rows = 0;
  let rowsRead = 0;

  if (layout !== undefined) {
    const fieldCount = layout.fieldCount;
    // slotOf[column] = which of time..volume the column feeds (0..5), or -1 for a column we ignore.
    const slotOf = new Int8Array(fieldCount).fill(-1);
    CSV_FIELDS.forEach((field, slot) => {
      slotOf[(layout as CsvLayout).columns[field]] = slot;
    });
    const values = new Float64Array(CSV_FIELDS.length);
    let quoteAt = text.indexOf('"', pos);
    // Once no comma is left after some position, none is left after any later one: -1 stays -1.
    let comma = text.indexOf(",", pos);

    while (pos < length) {
      let end = text.indexOf("\n", pos);
      if (end === -1) end = length;
      lineNumber++;
      const lineEnd = end > pos && text.charCodeAt(end - 1) === RETURN ? end - 1 : end;
      if (lineEnd === pos || isBlank(text, pos, lineEnd)) {
        pos = end + 1;
        continue;
      }
      rowsRead++;
      if (quoteAt !== -1 && quoteAt < pos) quoteAt = text.indexOf('"', pos);
      let problem: string | undefined;
      if (quoteAt !== -1 && quoteAt < lineEnd) {
        problem = `contains a double quote, and quoted fields are not supported: ${quoteLine(text, pos, lineEnd)}`;
      } else {
        let start = pos;
        let column = 0;
        for (;;) {
          if (comma !== -1 && comma < start) comma = text.indexOf(",", start);
          const fieldEnd = comma === -1 || comma > lineEnd ? lineEnd : comma;
          const slot = column < fieldCount ? (slotOf[column] as number) : -1;
          if (slot >= 0 && problem === undefined) {
            problem = readValue(text, start, fieldEnd, slot, values);
          }
          column++;
          if (fieldEnd === lineEnd) break;
          start = fieldEnd + 1;
        }
        if (column !== fieldCount) {
          const expected = layout.hasHeader ? `the header (line ${headerLine}) has` : "the first row has";
          problem = `has ${column} fields, ${expected} ${fieldCount}: ${quoteLine(text, pos, lineEnd)}`;
        }
      }
      if (problem === undefined) {
        time[rows] = values[0] as number;
        open[rows] = values[1] as number;
        high[rows] = values[2] as number;
        low[rows] = values[3] as number;
        close[rows] = values[4] as number;
        volume[rows] = values[5] as number;
        lines[rows] = lineNumber;
        rows++;
      } else {
        log.add("malformed-row", problem, { file, line: lineNumber });
      }
      pos = end + 1;
    }
  }

  if (rowsRead === 0) {
    const detail = layout?.hasHeader ? `no data rows after the header (line ${headerLine})` : "the file is empty";
    throw new DataError([makeIssue("empty", detail, { file })], inFile(file));
  }

  const trim = (column: Float64Array): Float64Array => (rows === capacity ? column : column.slice(0, rows));
  return {
    time: trim(time),
    open: trim(open),
    high: trim(high),
    low: trim(low),
    close: trim(close),
    volume: trim(volume),
    lines: rows === capacity ? lines : lines.slice(0, rows),
    length: rows,
    rowsRead,
    hasHeader: layout?.hasHeader ?? false,
  };
}

/** Parses one cell into `values[slot]`; returns a problem description when the cell cannot be a value. */
function readValue(text: string, start: number, end: number, slot: number, values: Float64Array): string | undefined {
  const fast = fastDecimal(text, start, end);
  if (slot === 0) {
    const ms = Number.isNaN(fast) ? tryParseTimestamp(text.slice(start, end)) : epochToMs(fast);
    if (Number.isNaN(ms)) {
      return `timestamp "${text.slice(start, end)}" is neither an epoch number (s, ms, µs, ns) nor an ISO-8601 date`;
    }
    values[0] = ms;
    return undefined;
  }
  if (!Number.isNaN(fast)) {
    values[slot] = fast;
    return undefined;
  }
  const cell = text.slice(start, end);
  let value = +cell;
  // `+""` and `+"  "` are 0, not a missing value.
  if (value === 0 && !DIGIT.test(cell)) value = Number.NaN;
  if (Number.isNaN(value) && !MISSING.has(cell.trim().toLowerCase())) {
    return `${CSV_FIELDS[slot]} "${cell}" is not a number`;
  }
  values[slot] = value;
  return undefined;
}

/**
 * Reads a plain decimal (`-?digits[.digits]`, at most 15 digits) without making a substring; NaN for anything
 * else, which the caller then hands to `Number`. Exact: a mantissa below 2^53 divided by a power of ten up to 1e15
 * is one correctly rounded IEEE division, so the result equals `Number(text)` (Clinger's fast path).
 */
function fastDecimal(text: string, start: number, end: number): number {
  let i = start;
  const negative = i < end && text.charCodeAt(i) === 45;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (code === 46 && decimals < 0) {
      decimals = 0;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const value = decimals > 0 ? mantissa / POWERS_OF_TEN[decimals]! : mantissa;
  return negative ? -value : value;
}

const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function inFile(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== RETURN && code !== NEWLINE) return false;
  }
  return true;
}

/** The offending line in quotes, shortened so a runaway line cannot flood a log. */
function quoteLine(text: string, start: number, end: number): string {
  const line = text.slice(start, Math.min(end, start + 120));
  return end - start > 120 ? `${JSON.stringify(line)}…` : JSON.stringify(line);
}
