import { describe, expect, it } from "vitest";
import { DataError, excerpt, ISSUE_SEVERITY, isoTime, issueLocation, makeIssue } from "./data-error.js";

describe("makeIssue", () => {
  it("starts the message with file and line and takes the kind's severity", () => {
    const issue = makeIssue("high-below-low", "high 100 < low 101", { file: "data/btc.csv", line: 17, time: 0 });
    expect(issue).toEqual({
      kind: "high-below-low",
      message: "data/btc.csv line 17: high 100 < low 101",
      file: "data/btc.csv",
      line: 17,
      time: 0,
      severity: "error",
    });
  });

  it("marks gaps, zero volume, spikes and misaligned bars as warnings and everything else as errors", () => {
    const warnings = Object.entries(ISSUE_SEVERITY)
      .filter(([, severity]) => severity === "warning")
      .map(([kind]) => kind)
      .sort();
    expect(warnings).toEqual(["gap", "misaligned", "spike", "zero-volume"]);
  });
});

describe("issueLocation", () => {
  it("names the file and line, the line alone, the bar index or the file", () => {
    expect(issueLocation("a.csv", 3)).toBe("a.csv line 3");
    expect(issueLocation(undefined, 3)).toBe("line 3");
    expect(issueLocation(undefined, undefined, 7)).toBe("bar 7");
    expect(issueLocation("a.csv", undefined)).toBe("a.csv");
    expect(issueLocation(undefined, undefined)).toBe("series");
  });
});

describe("isoTime", () => {
  it("formats a valid time as ISO-8601 and anything else as the raw number", () => {
    expect(isoTime(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(isoTime(Number.NaN)).toBe("NaN");
    expect(isoTime(1e300)).toBe("1e+300");
  });
});

describe("DataError", () => {
  const issues = Array.from({ length: 17 }, (_, i) =>
    makeIssue("high-below-low", `high 100 < low ${101 + i}`, { file: "data/btc.csv", line: 17 + i }),
  );

  it("lists the first five issues and says how many more there are", () => {
    const error = new DataError(issues, { file: "data/btc.csv" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("DataError");
    expect(error.issues).toHaveLength(17);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("17 data errors in data/btc.csv:");
    expect(lines[1]).toBe("  data/btc.csv line 17: high 100 < low 101");
    expect(lines[5]).toBe("  data/btc.csv line 21: high 100 < low 105");
    expect(lines[6]).toBe("  … and 12 more");
    expect(lines).toHaveLength(7);
  });

  it("counts issues that were not kept when a total is given", () => {
    const error = new DataError(issues.slice(0, 2), { total: 40, hint: "try again" });
    expect(error.total).toBe(40);
    expect(error.message).toContain("40 data errors (try again):");
    expect(error.message).toContain("… and 38 more");
  });

  it("uses the singular for one issue and adds no 'more' line", () => {
    const error = new DataError(issues.slice(0, 1));
    expect(error.message).toBe("1 data error:\n  data/btc.csv line 17: high 100 < low 101");
  });
});

describe("excerpt", () => {
  it("quotes, escapes control and undecodable characters, and cuts long text", () => {
    expect(excerpt("abc")).toBe('"abc"');
    expect(excerpt('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(excerpt("\u001b[2J\u0000\ufffd\u009b")).toBe('"\\u{1b}[2J\\u{0}\\u{fffd}\\u{9b}"');
    expect(excerpt("é µ €")).toBe('"é µ €"');
    expect(excerpt("x".repeat(100), 10)).toBe(`"${"x".repeat(10)}"…`);
  });
});
