import { createHash } from "node:crypto";
import type { CandleSeries } from "../domain/candles.js";

/** SHA-256 of the bars' numbers (not of a file), so the same data loaded from CSV or SQLite hashes the same. */
export function hashSeries(series: readonly CandleSeries[]): string {
  const hash = createHash("sha256");
  for (const s of series) {
    hash.update(`${s.symbol}|${s.timeframe ?? ""}|${s.length}|`);
    for (const column of [s.time, s.open, s.high, s.low, s.close, s.volume]) {
      hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    }
  }
  return hash.digest("hex");
}

/** SHA-256 of a JSON value with object keys sorted, so key order never changes the hash. */
export function hashConfig(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
