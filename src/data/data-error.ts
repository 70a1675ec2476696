/**
 * What can be wrong with market data, and the error thrown when it is wrong enough to refuse.
 * An issue's `message` is complete on its own ("data/btc.csv line 17: high 100 < low 101"), so it can be logged or
 * shown without its other fields.
 */

/** The problems the loaders and the validator recognise. */
export type DataIssueKind =
  | "duplicate"
  | "unsorted"
  | "gap"
  | "nan"
  | "non-positive-price"
  | "negative-volume"
  | "zero-volume"
  | "high-below-low"
  | "ohlc-inconsistent"
  | "spike"
  | "implausible"
  | "misaligned"
  | "timeframe-mismatch"
  | "malformed-row"
  | "bad-header"
  | "binary"
  | "empty";

export type DataIssueSeverity = "error" | "warning";

/**
 * Severity of each kind. Warnings describe real markets (exchange maintenance gaps, quiet bars, crashes, bars
 * stamped off the grid) and never stop a load; errors describe data that cannot be trusted as it is, including
 * "implausible" values and moves that no market makes (see `PLAUSIBILITY_LIMITS` in validate-rows.ts).
 */
export const ISSUE_SEVERITY: Readonly<Record<DataIssueKind, DataIssueSeverity>> = {
  duplicate: "error",
  unsorted: "error",
  gap: "warning",
  nan: "error",
  "non-positive-price": "error",
  "negative-volume": "error",
  "zero-volume": "warning",
  "high-below-low": "error",
  "ohlc-inconsistent": "error",
  spike: "warning",
  implausible: "error",
  misaligned: "warning",
  "timeframe-mismatch": "error",
  "malformed-row": "error",
  "bad-header": "error",
  binary: "error",
  empty: "error",
};

/** One problem found in market data. `line` is 1-based and counts the header; `time` is the bar's open time (ms). */
export interface DataIssue {
  readonly kind: DataIssueKind;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly time?: number;
  readonly severity: DataIssueSeverity;
}

/** The bar's time as ISO-8601, or the raw number when it is not a valid time. */
export function isoTime(timeMs: number): string {
  return Number.isFinite(timeMs) && Math.abs(timeMs) <= 8.64e15 ? new Date(timeMs).toISOString() : String(timeMs);
}

/** Characters shown as is in an excerpt: letters, digits, punctuation, symbols and the plain space. */
const SHOWN = /^[\p{L}\p{N}\p{P}\p{S} ]$/u;

/**
 * Text from a file, safe to print: in double quotes, at most about `max` characters of output (then "…"), with
 * every control, format or undecodable character written as \u{…} and `"` and `\` escaped, so binary garbage or
 * a terminal escape sequence in a file cannot reach the terminal raw.
 */
export function excerpt(text: string, max = 60): string {
  let out = "";
  for (const char of text) {
    if (out.length >= max) return `"${out}"…`;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char !== "\uFFFD" && SHOWN.test(char)) out += char;
    else out += `\\u{${(char.codePointAt(0) as number).toString(16)}}`;
  }
  return `"${out}"`;
}

/** Where a problem is, for the start of a message: "data/btc.csv line 17", "line 17", "bar 16" or the file alone. */
export function issueLocation(file: string | undefined, line: number | undefined, index?: number): string {
  if (line !== undefined) return file === undefined ? `line ${line}` : `${file} line ${line}`;
  if (file !== undefined) return index === undefined ? file : `${file} bar ${index}`;
  return index === undefined ? "series" : `bar ${index}`;
}

/** Builds an issue whose message starts with its location. */
export function makeIssue(
  kind: DataIssueKind,
  detail: string,
  at: { file?: string | undefined; line?: number | undefined; time?: number | undefined; index?: number | undefined },
): DataIssue {
  const issue: { -readonly [K in keyof DataIssue]: DataIssue[K] } = {
    kind,
    message: `${issueLocation(at.file, at.line, at.index)}: ${detail}`,
    severity: ISSUE_SEVERITY[kind],
  };
  if (at.file !== undefined) issue.file = at.file;
  if (at.line !== undefined) issue.line = at.line;
  if (at.time !== undefined) issue.time = at.time;
  return issue;
}

/** How many issues a DataError message spells out before "… and N more". */
const LISTED_ISSUES = 5;

/**
 * Thrown when data is refused. `issues` holds the problems that caused it (possibly capped per kind, see
 * `IssueLog`); `total` is the true count, which the message uses for "… and N more".
 */
export class DataError extends Error {
  override readonly name = "DataError";
  readonly issues: readonly DataIssue[];
  readonly total: number;

  constructor(issues: readonly DataIssue[], options: { total?: number; file?: string; hint?: string } = {}) {
    const total = Math.max(options.total ?? issues.length, issues.length);
    const errors = issues.filter((issue) => issue.severity === "error").length;
    const noun = errors === issues.length ? "data error" : "data issue";
    const where = options.file === undefined ? "" : ` in ${options.file}`;
    const hint = options.hint === undefined ? "" : ` (${options.hint})`;
    const listed = issues.slice(0, LISTED_ISSUES).map((issue) => `  ${issue.message}`);
    if (total > listed.length) listed.push(`  … and ${total - listed.length} more`);
    super(`${total} ${noun}${total === 1 ? "" : "s"}${where}${hint}:\n${listed.join("\n")}`);
    this.issues = issues;
    this.total = total;
  }
}
