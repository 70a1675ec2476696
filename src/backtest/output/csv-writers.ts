import { formatNumber } from "../../domain/format-number.js";
import type { ClosedTrade, EquityCurve } from "../../domain/trade.js";

/** Column order of trades.csv; times are Unix ms, money in quote currency. */
export const TRADE_COLUMNS = [
  "id",
  "symbol",
  "side",
  "quantity",
  "entry_time",
  "exit_time",
  "entry_price",
  "exit_price",
  "fees",
  "funding",
  "net_pnl",
  "return_pct",
  "bars_held",
  "exit_reason",
] as const;

/** RFC 4180 quoting for the one free-text column. */
function quote(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV cell of a number: `formatNumber`, or empty when there is no finite number to write. */
function cell(value: number): string {
  return Number.isFinite(value) ? formatNumber(value) : "";
}

export function tradesCsv(trades: readonly ClosedTrade[]): string {
  const lines = [TRADE_COLUMNS.join(",")];
  for (const t of trades) {
    lines.push(
      [
        t.id,
        quote(t.symbol),
        t.side,
        cell(t.quantity),
        t.entryTime,
        t.exitTime,
        cell(t.entryPrice),
        cell(t.exitPrice),
        cell(t.fees),
        cell(t.funding),
        cell(t.netPnl),
        cell(t.returnPct * 100),
        t.barsHeld,
        quote(t.exitReason),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function equityCsv(equity: EquityCurve): string {
  const parts: string[] = ["timestamp,equity"];
  for (let i = 0; i < equity.time.length; i++) parts.push(`${equity.time[i]},${cell(equity.equity[i] as number)}`);
  return `${parts.join("\n")}\n`;
}
