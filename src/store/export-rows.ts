import type { TimeRange } from "./repositories/shared.js";
import type { StoreSession } from "./store.js";

export const EXPORT_TABLES = ["trades", "decisions", "orders", "equity"] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];
export type ExportFormat = "csv" | "json";

/** The CSV columns of each table, in order; JSON carries every field of the record (`detail` too). */
const COLUMNS: Record<ExportTable, readonly string[]> = {
  trades: [
    "tradeId",
    "symbol",
    "strategyId",
    "side",
    "qty",
    "entryTime",
    "entryPrice",
    "exitTime",
    "exitPrice",
    "pnl",
    "fees",
    "exitReason",
  ],
  decisions: ["time", "symbol", "strategyId", "action", "outcome", "reason", "votes", "verdicts"],
  orders: [
    "clientOrderId",
    "venueOrderId",
    "symbol",
    "side",
    "type",
    "qty",
    "price",
    "stop",
    "status",
    "filledQty",
    "avgFillPrice",
    "strategyId",
    "intentTime",
    "updatedAt",
    "reason",
  ],
  equity: ["time", "equity", "cash", "positionsValue"],
};

/** Fields holding Unix ms, written as ISO 8601 (UTC) so a spreadsheet and a person can read them. */
const TIME_FIELDS = new Set(["time", "entryTime", "exitTime", "intentTime", "createdAt", "updatedAt"]);

/** The rows of `table` in the time window (trades by exit time, orders by intent time), oldest first. */
export async function exportRecords(
  store: StoreSession,
  table: ExportTable,
  range: TimeRange,
): Promise<Record<string, unknown>[]> {
  const rows: readonly object[] =
    table === "trades"
      ? await store.trades.range(range)
      : table === "decisions"
        ? await store.decisions.range(range)
        : table === "orders"
          ? await store.orders.range(range)
          : await store.equity.range(range);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key === "id") continue;
      out[key] = TIME_FIELDS.has(key) && typeof value === "number" ? new Date(value).toISOString() : value;
    }
    return out;
  });
}

export function formatRecords(
  table: ExportTable,
  records: readonly Record<string, unknown>[],
  format: ExportFormat,
): string {
  if (format === "json") return `${JSON.stringify(records, null, 2)}\n`;
  const columns = COLUMNS[table];
  const lines = [columns.join(",")];
  for (const record of records) lines.push(columns.map((c) => csvCell(record[c])).join(","));
  return `${lines.join("\n")}\n`;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
