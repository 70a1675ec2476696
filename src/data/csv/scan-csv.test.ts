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
        '1000003600000,"1,2,0.5,1.5,10',
        "1000007200000,1,2,0.5,1.5",
        "yesterday,1,2,0.5,1.5,10",
        "1000010800000,1,2,0.5,1.5,10",
      ].join("\n"),
    );
    expect(messages).toEqual([
      't.csv line 2: close "abc" is not a number',
      't.csv line 3: has a quote that is not closed: "1000003600000,\\"1,2,0.5,1.5,10"',
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

  it("reads quoted fields, doubled quotes and a quoted header", () => {
    const { scanned, messages } = scan(
      [
        '"timestamp","open","high","low","close","volume","note"',
        '1000000000000,"1","2",0.5,"1.5",10,"a ""b"", c"',
      ].join("\n"),
    );
    expect(messages).toEqual([]);
    expect([scanned.open[0], scanned.high[0], scanned.close[0], scanned.volume[0]]).toEqual([1, 2, 1.5, 10]);
  });

  it("detects ; and tab separators, and reads a decimal comma when the separator is not a comma", () => {
    const semicolon = scan("timestamp;open;high;low;close;volume\n1000000000000;1,5;2;0,5;1,25;10\n");
    expect([semicolon.scanned.open[0], semicolon.scanned.low[0], semicolon.scanned.close[0]]).toEqual([1.5, 0.5, 1.25]);
    const quoted = scan('timestamp;open;high;low;close;volume\n1000000000000;"1,5";2;"0,5";1;10\n');
    expect(quoted.scanned.open[0]).toBe(1.5);
    const tab = scan("timestamp\topen\thigh\tlow\tclose\tvolume\n1000000000000\t1\t2\t0.5\t1.5\t10\n");
    expect(tab.scanned.close[0]).toBe(1.5);
    expect(tab.messages).toEqual([]);
  });

  it("reads day-first dates only with an explicit date format, and hints at it otherwise", () => {
    const text =
      "timestamp,open,high,low,close,volume\n01/02/2024 13:30,1,2,0.5,1.5,10\n31/12/2024 00:00,1,2,0.5,1.5,10\n";
    const log = new IssueLog();
    const scanned = scanCsv(text, "t.csv", log, { dateFormat: "DD/MM/YYYY HH:mm" });
    expect(Array.from(scanned.time)).toEqual([Date.UTC(2024, 1, 1, 13, 30), Date.UTC(2024, 11, 31)]);
    const american = scanCsv("01/02/2024,1,2,0.5,1.5,10\n", "t.csv", new IssueLog(), { dateFormat: "MM/DD/YYYY" });
    expect(american.time[0]).toBe(Date.UTC(2024, 0, 2));
    const { messages } = scan(text);
    expect(messages[0]).toBe(
      't.csv line 2: timestamp "01/02/2024 13:30" is neither an epoch number (s, ms, µs, ns) nor an ISO-8601 date; give its format, e.g. --date-format DD/MM/YYYY HH:mm',
    );
    const wrong = new IssueLog();
    scanCsv(text.replace("31/12", "31/13"), "t.csv", wrong, { dateFormat: "DD/MM/YYYY HH:mm" });
    expect(wrong.issues()[0]?.message).toBe(
      't.csv line 3: timestamp "31/13/2024 00:00" does not match the date format "DD/MM/YYYY HH:mm"',
    );
  });

  it("refuses binary data without echoing it: the message holds a short escaped excerpt", () => {
    let seed = 7;
    const bytes = Buffer.from(
      Uint8Array.from({ length: 5000 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % 256;
      }),
    );
    const error = (() => {
      try {
        scan(bytes.toString("utf8"));
      } catch (caught) {
        return caught as DataError;
      }
      throw new Error("expected a DataError");
    })();
    expect(error.issues[0]?.kind).toBe("binary");
    expect(error.message.length).toBeLessThan(300);
    // Nothing a terminal would act on: no C0/C1 control character and no undecodable byte, only escapes.
    const unsafe = Array.from(error.message).filter((char) => {
      const code = char.codePointAt(0) as number;
      return (code < 32 && code !== 10) || (code >= 0x7f && code < 0xa0) || code === 0xfffd;
    });
    expect(unsafe).toEqual([]);
    expect(error.message).toContain("not a text CSV file: binary data");
    expect(() => scan("PAR1\u0015\u0004")).toThrow("this is a Parquet file, not CSV");
  });

  it("escapes a terminal escape sequence hidden in a cell", () => {
    const { messages } = scan("timestamp,open,high,low,close,volume\n1000000000000,1,2,0.5,\u001b[31mred,10\n");
    expect(messages[0]).toBe('t.csv line 2: close "\\u{1b}[31mred" is not a number');
  });
});
