import { describe, expect, it } from "vitest";
import { IssueLog } from "./issue-log.js";

describe("IssueLog", () => {
  it("counts every issue but keeps at most maxPerKind of each kind", () => {
    const log = new IssueLog(2);
    for (let line = 10; line > 0; line--) log.add("zero-volume", "volume is 0", { file: "f.csv", line });
    log.add("gap", "1 missing bar", { file: "f.csv", line: 50 });
    expect(log.counts["zero-volume"]).toBe(10);
    expect(log.counts.gap).toBe(1);
    expect(log.issues().map((issue) => issue.line)).toEqual([9, 10, 50]);
    expect(log.count("warning")).toBe(11);
    expect(log.count("error")).toBe(0);
  });

  it("orders issues by line with file-level issues first", () => {
    const log = new IssueLog();
    log.add("high-below-low", "high 1 < low 2", { line: 5 });
    log.add("timeframe-mismatch", "timeframe 4h was given", { file: "f.csv" });
    log.add("nan", "close is NaN", { line: 3 });
    expect(log.issues().map((issue) => issue.kind)).toEqual(["timeframe-mismatch", "nan", "high-below-low"]);
    expect(log.count("error")).toBe(3);
  });

  it("rejects a negative cap", () => {
    expect(() => new IssueLog(-1)).toThrow(/maxIssuesPerKind must be >= 0, got -1/);
  });
});
