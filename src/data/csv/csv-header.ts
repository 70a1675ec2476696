/**
 * Finding the OHLCV columns of a CSV file from its first line.
 */

import { excerpt } from "../data-error.js";

/** Header names accepted for each field, case-insensitive, in order of preference when a file has several. */
export const COLUMN_ALIASES = {
  time: ["timestamp", "time", "ts", "date", "datetime", "open_time"],
  open: ["open", "o"],
  high: ["high", "h"],
  low: ["low", "l"],
  close: ["close", "c"],
  volume: ["volume", "vol", "v"],
} as const;

export type CsvField = keyof typeof COLUMN_ALIASES;

/** The fields in the order of a CSV file without a header row. */
export const CSV_FIELDS: readonly CsvField[] = ["time", "open", "high", "low", "close", "volume"];

/** Column index of each field, and how many fields every row must have. */
export interface CsvLayout {
  readonly columns: Readonly<Record<CsvField, number>>;
  readonly fieldCount: number;
  readonly hasHeader: boolean;
}

/** "Open Time", "\"open-time\"" and "OPEN_TIME" all become "open_time". */
export function normalizeHeaderName(name: string): string {
  let text = name.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).trim();
  return text.toLowerCase().replace(/[\s-]+/g, "_");
}

function isKnownName(name: string): boolean {
  const normalized = normalizeHeaderName(name);
  return Object.values(COLUMN_ALIASES).some((aliases) => (aliases as readonly string[]).includes(normalized));
}

/**
 * Whether the first line is a header: it names a known column, or none of its fields is a number (so a header of
 * unknown names gets a "bad header" error instead of a confusing "bad timestamp" on line 1).
 */
export function looksLikeHeader(fields: readonly string[]): boolean {
  if (fields.some(isKnownName)) return true;
  return fields.every((field) => field.trim() === "" || Number.isNaN(Number(field)));
}

/**
 * Maps header names to fields. Returns the layout, or a message saying which field has no column and what the
 * header holds.
 */
export function layoutFromHeader(fields: readonly string[]): CsvLayout | string {
  const names = fields.map(normalizeHeaderName);
  const columns = {} as Record<CsvField, number>;
  const missing: string[] = [];
  for (const field of Object.keys(COLUMN_ALIASES) as CsvField[]) {
    const aliases: readonly string[] = COLUMN_ALIASES[field];
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    names.forEach((name, column) => {
      const rank = aliases.indexOf(name);
      if (rank !== -1 && rank < bestRank) {
        best = column;
        bestRank = rank;
      }
    });
    if (best === -1) missing.push(`"${field === "time" ? "timestamp" : field}" (${aliases.join("|")})`);
    columns[field] = best;
  }
  if (missing.length > 0) {
    return `header has no column for ${missing.join(", ")}; found: ${excerpt(fields.map((f) => f.trim()).join(", "), 120)}`;
  }
  return { columns, fieldCount: fields.length, hasHeader: true };
}

/** Layout of a file without a header: timestamp,open,high,low,close,volume then any extra columns. */
export function layoutWithoutHeader(fieldCount: number): CsvLayout | string {
  if (fieldCount < CSV_FIELDS.length) {
    return `no header row and only ${fieldCount} fields; expected a header or the columns timestamp,open,high,low,close,volume`;
  }
  const columns = {} as Record<CsvField, number>;
  CSV_FIELDS.forEach((field, column) => {
    columns[field] = column;
  });
  return { columns, fieldCount, hasHeader: false };
}
