import { DataError, excerpt, makeIssue } from "../data-error.js";
import type { IssueLog } from "../issue-log.js";
import { detectDelimiter, splitQuoted } from "./csv-fields.js";
import { CSV_FIELDS, type CsvLayout, layoutFromHeader, layoutWithoutHeader, looksLikeHeader } from "./csv-header.js";
import { compileDateFormat, epochToMs, tryParseTimestamp } from "./parse-timestamp.js";

/** How to read the cells of a CSV text. */
export interface CsvFormat {
  /** Field separator; default: detected from the first line (",", ";" or tab). */
  readonly delimiter?: "," | ";" | "\t";
  /** Explicit timestamp format such as "DD/MM/YYYY HH:mm" (see `compileDateFormat`); default: epoch or ISO-8601. */
  readonly dateFormat?: string;
}

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
 * array is created; a line with a double quote takes a slower path that reads quoted fields ("1,5", "a ""b""").
 * The delimiter is detected from the first line unless given; with ";" or tab, a decimal comma (1,5) is read as a
 * decimal. Rows that cannot be read (wrong field count, text where a number belongs, an unterminated quote) are
 * skipped and logged as "malformed-row"; values that are missing ("", NaN, null) are kept as NaN.
 * Throws DataError for binary data, a file without rows or a header lacking a needed column. Messages quote file
 * text only through `excerpt`: short and escaped.
 */
export function scanCsv(text: string, file: string | undefined, log: IssueLog, format: CsvFormat = {}): ScannedCsv {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const binary = binaryReason(text);
  if (binary !== undefined) throw new DataError([makeIssue("binary", binary, { file })], inFile(file));
  const parseDate = format.dateFormat === undefined ? undefined : compileDateFormat(format.dateFormat);
  let delimiter: string = format.delimiter ?? ",";

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
    delimiter = format.delimiter ?? detectDelimiter(line);
    const fields = splitQuoted(line, delimiter) ?? line.split(delimiter);
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
    const cells: CellReader = { delimiter, parseDate, dateFormat: format.dateFormat };
    let quoteAt = text.indexOf('"', pos);
    // Once no delimiter is left after some position, none is left after any later one: -1 stays -1.
    let comma = text.indexOf(delimiter, pos);

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
      let column = 0;
      if (quoteAt !== -1 && quoteAt < lineEnd) {
        const fields = splitQuoted(text.slice(pos, lineEnd), delimiter);
        if (fields === null) {
          problem = `has a quote that is not closed: ${quoteLine(text, pos, lineEnd)}`;
        } else {
          column = fields.length;
          for (let k = 0; k < Math.min(column, fieldCount) && problem === undefined; k++) {
            const slot = slotOf[k] as number;
            const field = fields[k] as string;
            if (slot >= 0) problem = readValue(field, 0, field.length, slot, values, cells);
          }
        }
      } else {
        let start = pos;
        for (;;) {
          if (comma !== -1 && comma < start) comma = text.indexOf(delimiter, start);
          const fieldEnd = comma === -1 || comma > lineEnd ? lineEnd : comma;
          const slot = column < fieldCount ? (slotOf[column] as number) : -1;
          if (slot >= 0 && problem === undefined) {
            problem = readValue(text, start, fieldEnd, slot, values, cells);
          }
          column++;
          if (fieldEnd === lineEnd) break;
          start = fieldEnd + 1;
        }
      }
      if (problem === undefined && column !== fieldCount) {
        const expected = layout.hasHeader ? `the header (line ${headerLine}) has` : "the first row has";
        problem = `has ${column} fields, ${expected} ${fieldCount}: ${quoteLine(text, pos, lineEnd)}`;
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

  // A view, not a copy: capacity counts every line (the header and a final newline too), so the arrays are nearly
  // always longer than the rows, and copying seven columns cost more than the few spare slots it would free.
  const trim = (column: Float64Array): Float64Array => (rows === capacity ? column : column.subarray(0, rows));
  return {
    time: trim(time),
    open: trim(open),
    high: trim(high),
    low: trim(low),
    close: trim(close),
    volume: trim(volume),
    lines: rows === capacity ? lines : lines.subarray(0, rows),
    length: rows,
    rowsRead,
    hasHeader: layout?.hasHeader ?? false,
  };
}

interface CellReader {
  readonly delimiter: string;
  readonly parseDate: ((text: string) => number) | undefined;
  readonly dateFormat: string | undefined;
}

const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;
const LOOKS_DAY_OR_MONTH_FIRST = /^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}/;

/** Parses one cell into `values[slot]`; returns a problem description when the cell cannot be a value. */
function readValue(
  text: string,
  start: number,
  end: number,
  slot: number,
  values: Float64Array,
  cells: CellReader,
): string | undefined {
  if (slot === 0 && cells.parseDate !== undefined) {
    const ms = cells.parseDate(text.slice(start, end));
    if (Number.isNaN(ms)) {
      return `timestamp ${excerpt(text.slice(start, end))} does not match the date format "${cells.dateFormat}"`;
    }
    values[0] = ms;
    return undefined;
  }
  const fast = fastDecimal(text, start, end);
  if (slot === 0) {
    // The cell's text is cut out only when it is not a plain epoch number: a substring per row is garbage.
    const ms = Number.isNaN(fast) ? tryParseTimestamp(text.slice(start, end)) : epochToMs(fast);
    if (Number.isNaN(ms)) {
      const cell = text.slice(start, end);
      const hint = LOOKS_DAY_OR_MONTH_FIRST.test(cell) ? "; give its format, e.g. --date-format DD/MM/YYYY HH:mm" : "";
      return `timestamp ${excerpt(cell)} is neither an epoch number (s, ms, µs, ns) nor an ISO-8601 date${hint}`;
    }
    values[0] = ms;
    return undefined;
  }
  if (!Number.isNaN(fast)) {
    values[slot] = fast;
    return undefined;
  }
  let cell = text.slice(start, end);
  if (cells.delimiter !== "," && DECIMAL_COMMA.test(cell)) cell = cell.replace(",", ".");
  let value = +cell;
  // `+""` and `+"  "` are 0, not a missing value.
  if (value === 0 && !DIGIT.test(cell)) value = Number.NaN;
  if (Number.isNaN(value) && !MISSING.has(cell.trim().toLowerCase())) {
    return `${CSV_FIELDS[slot]} ${excerpt(cell)} is not a number`;
  }
  values[slot] = value;
  return undefined;
}

/**
 * Why the text is not a CSV file, judged on its first 4,096 characters: a NUL character (no text format has one),
 * or more than 5 % control or undecodable characters. A Parquet file is named as such.
 */
function binaryReason(text: string): string | undefined {
  const head = text.slice(0, 4096);
  if (head.startsWith("PAR1")) return "this is a Parquet file, not CSV: give it a .parquet name to load it as Parquet";
  let bad = 0;
  let nul = false;
  for (let i = 0; i < head.length; i++) {
    const code = head.charCodeAt(i);
    if (code === 0) nul = true;
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd || (code >= 0x7f && code < 0xa0)) {
      bad++;
    }
  }
  if (!nul && bad <= head.length * 0.05) return undefined;
  return `not a text CSV file: binary data (${bad} control or undecodable characters in the first ${head.length}), starting ${excerpt(head, 40)}`;
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

/** The offending line, quoted, escaped and shortened so a runaway line cannot flood a log or a terminal. */
function quoteLine(text: string, start: number, end: number): string {
  return excerpt(text.slice(start, Math.min(end, start + 400)), 120);
}
