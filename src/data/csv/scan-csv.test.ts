import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../data-error.js";
import { IssueLog } from "../issue-log.js";
import { scanCsv } from "./scan-csv.js";

const scan = (text: string) => {
  const log = new IssueLog();
  return { scanned: scanCsv(text, "t.csv", log), messages: log.issues().map((issue) => issue.message) };
};

describe("scanCsv", () => {
  it("reads columns and remembers each row's line", () => {
    const { scanned } = scan(
      "timestamp,open,high,low,close,volume\n\n1000000000000,1,2,0.5,1.5,10\n1000003600000,2,3,1,2,20\n",
    );
    expect(Array.from(scanned.time)).toEqual([1e12, 1e12 + 3_600_000]);
    expect(Array.from(scanned.close)).toEqual([1.5, 2]);
    expect(Array.from(scanned.lines)).toEqual([3, 4]);
    expect(scanned.rowsRead).toBe(2);
    expect(scanned.hasHeader).toBe(true);
  });

  it("reads every plain decimal exactly as Number does", () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.stringMatching(/^\d{0,8}$/))
      .map(([negative, whole, fraction]) => `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`);
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 5, maxLength: 5 }), (cells) => {
        const { scanned } = scan(`1000000000000,${cells.join(",")}\n`);
        const read = [scanned.open[0], scanned.high[0], scanned.low[0], scanned.close[0], scanned.volume[0]];
        expect(read).toEqual(cells.map(Number));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("falls back to Number for exponents and long mantissas", () => {
    const { scanned } = scan("1000000000000,1e3,12345678901234567,0.1234567890123456789,+5,  7 \n");
    expect(Array.from(scanned.open)).toEqual([1000]);
    expect(scanned.high[0]).toBe(Number("12345678901234567"));
    expect(scanned.low[0]).toBe(Number("0.1234567890123456789"));
    expect(scanned.close[0]).toBe(5);
    expect(scanned.volume[0]).toBe(7);
  });

  it("keeps missing values as NaN for the validator instead of calling the row malformed", () => {
    const { scanned, messages } = scan("1000000000000,,NaN,null,  ,-\n");
    expect(messages).toEqual([]);
    expect(Array.from(scanned.open).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(scanned.volume[0])).toBe(true);
  });

  it("skips malformed rows with a message naming the line and the value", () => {
    const { scanned, messages } = scan(
      [
        "timestamp,open,high,low,close,volume",
        "1000000000000,1,2,0.5,abc,10",
        '1000003600000,"1",2,0.5,1.5,10',
        "1000007200000,1,2,0.5,1.5",
        "yesterday,1,2,0.5,1.5,10",
        "1000010800000,1,2,0.5,1.5,10",
      ].join("\n"),
    );
    expect(messages).toEqual([
      't.csv line 2: close "abc" is not a number',
      't.csv line 3: contains a double quote, and quoted fields are not supported: "1000003600000,\\"1\\",2,0.5,1.5,10"',
      't.csv line 4: has 5 fields, the header (line 1) has 6: "1000007200000,1,2,0.5,1.5"',
      't.csv line 5: timestamp "yesterday" is neither an epoch number (s, ms, µs, ns) nor an ISO-8601 date',
    ]);
    expect(scanned.length).toBe(1);
    expect(scanned.rowsRead).toBe(5);
    expect(Array.from(scanned.lines)).toEqual([6]);
  });

  it("throws for a file without data rows", () => {
    expect(() => scan("")).toThrow(DataError);
    expect(() => scan("\n\n")).toThrow(/t\.csv: the file is empty/);
    expect(() => scan("timestamp,open,high,low,close,volume\n")).toThrow(
      /t\.csv: no data rows after the header \(line 1\)/,
    );
  });
});
