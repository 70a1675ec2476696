import { type DataIssue, type DataIssueKind, ISSUE_SEVERITY, makeIssue } from "./data-error.js";

/** Issue counts per kind, all kinds present (0 when none). */
export type IssueCounts = Record<DataIssueKind, number>;

export function zeroCounts(): IssueCounts {
  const counts = {} as IssueCounts;
  for (const kind of Object.keys(ISSUE_SEVERITY) as DataIssueKind[]) counts[kind] = 0;
  return counts;
}

/**
 * Collects issues while counting every one of them exactly but keeping at most `maxPerKind` of each kind, because a
 * 1-minute file can hold a million zero-volume bars and a report of a million objects helps nobody.
 */
export class IssueLog {
  readonly counts: IssueCounts = zeroCounts();
  private readonly kept: DataIssue[] = [];

  constructor(readonly maxPerKind = 100) {
    if (!(maxPerKind >= 0)) throw new RangeError(`maxIssuesPerKind must be >= 0, got ${maxPerKind}`);
  }

  add(
    kind: DataIssueKind,
    detail: string,
    at: { file?: string | undefined; line?: number | undefined; time?: number | undefined; index?: number },
  ): void {
    this.counts[kind]++;
    if (this.counts[kind] <= this.maxPerKind) this.kept.push(makeIssue(kind, detail, at));
  }

  /** Issues kept so far, ordered by line (issues without a line first), stable otherwise. */
  issues(): DataIssue[] {
    return [...this.kept].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }

  count(severity: "error" | "warning"): number {
    let total = 0;
    for (const kind of Object.keys(this.counts) as DataIssueKind[]) {
      if (ISSUE_SEVERITY[kind] === severity) total += this.counts[kind];
    }
    return total;
  }
}
