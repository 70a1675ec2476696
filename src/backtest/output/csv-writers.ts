import type { ClosedTrade, EquityCurve } from "../../domain/trade.js";
import type { ChunkedWriter } from "./chunked-writer.js";

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

/**
 * Up to 12 significant digits: drops float noise such as 3803.5600000000004 without losing real precision. Same
 * text as String(Number(value.toPrecision(12))), but trailing zeros are cut from the string instead of parsing it
 * back, which made equity.csv of a 4 M-bar run several times slower.
 */
export function num(value: number): string {
  if (!Number.isFinite(value)) return "";
  const text = value.toPrecision(12);
  if (text.includes("e")) return String(Number(text));
  let end = text.length;
  if (text.includes(".")) {
    while (text.charCodeAt(end - 1) === 48) end--; // "0"
    if (text.charCodeAt(end - 1) === 46) end--; // "."
  }
  const out = end === text.length ? text : text.slice(0, end);
  return out === "-0" ? "0" : out;
}

export function tradesCsv(trades: readonly ClosedTrade[]): string {
  const lines = [TRADE_COLUMNS.join(",")];
  for (const t of trades) {
    lines.push(
      [
        t.id,
        quote(t.symbol),
        t.side,
        num(t.quantity),
        t.entryTime,
        t.exitTime,
        num(t.entryPrice),
        num(t.exitPrice),
        num(t.fees),
        num(t.funding),
        num(t.netPnl),
        num(t.returnPct * 100),
        t.barsHeld,
        quote(t.exitReason),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function equityCsv(equity: EquityCurve): string {
  const parts: string[] = [];
  writeEquityCsv(equity, (text) => parts.push(text));
  return parts.join("");
}

/**
 * equity.csv straight into a file writer: the same text as `writeEquityCsv`, written as bytes, since building a
 * string per line and encoding it was most of the time of a 4 M-row file.
 */
export function writeEquityCsvTo(equity: EquityCurve, writer: ChunkedWriter): void {
  const { time, equity: values } = equity;
  writer.writeAscii("timestamp,equity\n");
  let previous = Number.NaN;
  let text = "";
  for (let i = 0; i < time.length; i++) {
    const value = values[i] as number;
    if (value !== previous) {
      text = `,${num(value)}\n`;
      previous = value;
    }
    writer.writeNumber(time[i] as number);
    writer.writeAscii(text);
  }
}

/** equity.csv in pieces, for a writer that streams them to a file. */
export function writeEquityCsv(equity: EquityCurve, write: (text: string) => void): void {
  const { time, equity: values } = equity;
  let block = "timestamp,equity\n";
  // Equity stays flat while no position is open (often half the bars): the previous text is reused then, as
  // formatting a number is most of the cost of a 4 M-row file.
  let previous = Number.NaN;
  let text = "";
  for (let i = 0; i < time.length; i++) {
    const value = values[i] as number;
    if (value !== previous) {
      text = num(value);
      previous = value;
    }
    block += `${time[i]},${text}\n`;
    if (block.length >= 1 << 16) {
      write(block);
      block = "";
    }
  }
  write(block);
}
