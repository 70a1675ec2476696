import type { z } from "zod";

/**
 * One line per problem, each naming the path of the offending field ("unknown key backtest.cahs",
 * "entry.long.crossAbove.1: ..."), which is what a person fixing a config or a spec needs to read.
 */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.length > 0 ? issue.path.join(".") : "(root)";
      if (issue.code === "unrecognized_keys") {
        const prefix = issue.path.length > 0 ? `${issue.path.join(".")}.` : "";
        return `  - unknown key ${issue.keys.map((k) => prefix + k).join(", ")}`;
      }
      if (issue.code === "invalid_union" && issue.errors.length > 0) {
        // A union failure lists every branch; the branch that got furthest names the real problem.
        const best = issue.errors.reduce((a, b) => (deepest(b) > deepest(a) ? b : a));
        const inner = best[0];
        if (inner) return `  - ${[...issue.path, ...inner.path].join(".") || "(root)"}: ${inner.message}`;
      }
      return `  - ${at}: ${issue.message}`;
    })
    .join("\n");
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return issues.reduce((max, i) => Math.max(max, i.path.length), 0);
}
