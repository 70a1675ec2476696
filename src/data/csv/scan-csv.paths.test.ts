/**
 * scanCsv has a fast path (a line without a quote: fields found by indexOf, plain decimals read in place by
 * fastDecimal) and a general one (a line with a quote: splitQuoted, then Number). Quoting every field forces the
 * general path on every line, so each case below checks that both read the same columns, lines and messages.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sharedDataDir, sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { IssueLog } from "../issue-log.js";
import { type ScannedCsv, scanCsv } from "./scan-csv.js";

const scan = (text: string): { scanned: ScannedCsv; messages: string[] } => {
  const log = new IssueLog();
  return { scanned: scanCsv(text, "t.csv", log), messages: log.issues().map((issue) => issue.message) };
};

/** Every field of every non-blank line in double quotes, keeping delimiters and line endings. */
function quoteEveryField(text: string, delimiter: string): string {
  return text
    .split("\n")
    .map((line) => {
      const ending = line.endsWith("\r") ? "\r" : "";
      const body = ending ? line.slice(0, -1) : line;
      if (body.trim() === "") return line;
      return body
        .split(delimiter)
        .map((field) => `"${field}"`)
        .join(delimiter)
        .concat(ending);
    })
    .join("\n");
}

/** The first index where the two columns differ (NaN equals NaN), or -1; cheaper than a deep equal of 65 k rows. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectSameScan(text: string, delimiter = ","): { scanned: ScannedCsv; messages: string[] } {
  const fast = scan(text);
  const general = scan(quoteEveryField(text, delimiter));
  for (const column of ["time", "open", "high", "low", "close", "volume", "lines"] as const) {
    expect(general.scanned[column].length, column).toBe(fast.scanned[column].length);
    expect(firstDifference(general.scanned[column], fast.scanned[column]), column).toBe(-1);
  }
  expect(general.scanned.rowsRead).toBe(fast.scanned.rowsRead);
  // The general path quotes the offending line as it is in the file (with the added quotes); compare the reason.
  const reason = (message: string) => message.replace(/: "[\s\S]*$/, "");
  expect(general.messages.map(reason)).toEqual(fast.messages.map(reason));
  return fast;
}

const LINES = [
  "timestamp,open,high,low,close,volume",
  "1000000000000,100.5,101.25,99.75,100.125,12.5",
  "1000003600000,-0.000001,1e3,0.1234567890123456789,42,7",
  "1000007200000,,nan,NULL,1.5,-",
  "1000010800000,1,2,0.5,abc,10",
  "1000014400000,1,2,0.5,1.5",
  "2001-09-09T03:46:40Z,1,2,0.5,1.5,10",
];

describe("scanCsv's fast path reads as the general (quoted) path", () => {
  it("on comma-separated lines with long mantissas, exponents, missing values and malformed rows", () => {
    const { scanned, messages } = expectSameScan(LINES.join("\n"));
    expect(scanned.length).toBe(4);
    expect(messages).toEqual([
      't.csv line 5: close "abc" is not a number',
      't.csv line 6: has 5 fields, the header (line 1) has 6: "1000014400000,1,2,0.5,1.5"',
    ]);
  });

  it("on ;-separated lines with decimal commas", () => {
    const text = LINES.map((line) => line.replaceAll(",", ";").replace("100.5", "100,5")).join("\n");
    const { scanned, messages } = expectSameScan(text, ";");
    expect(scanned.open[0]).toBe(100.5);
    expect(messages.map((m) => m.slice(0, 12))).toEqual(["t.csv line 5", "t.csv line 6"]);
  });

  it("on CRLF line endings with blank lines, the malformed rows still named by their line", () => {
    const text = `${LINES.slice(0, 3).join("\r\n")}\r\n\r\n${LINES.slice(3).join("\r\n")}\r\n`;
    const { scanned, messages } = expectSameScan(text);
    expect(Array.from(scanned.lines)).toEqual([2, 3, 5, 8]);
    expect(messages.map((m) => m.slice(0, 12))).toEqual(["t.csv line 6", "t.csv line 7"]);
  });

  const btc = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
  it.skipIf(!sharedDataPresent(btc))("on the real BTC/USDT 1h file (65,699 rows)", () => {
    const { scanned, messages } = expectSameScan(gunzipSync(readFileSync(btc)).toString("utf8"));
    expect(scanned.length).toBe(65_699);
    expect(messages).toEqual([]);
  });
});
