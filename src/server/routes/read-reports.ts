import { createReadStream, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { extname, isAbsolute, join, relative, sep } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import { reportFolders } from "../report-folders.js";
import type { RouteTable } from "../route.js";
import { notFound } from "./read-common.js";

/** Files a backtest or walk-forward run writes, and the content type each is served with. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};
/** A folder is a run when it holds one of these. */
const MARKERS = ["summary.json", "walkforward.json"];

export interface ReportRun {
  /** `<root index>/<folder>`: the id used in URLs, never a file-system path. */
  readonly id: string;
  readonly kind: "backtest" | "walk-forward";
  readonly name: string;
  readonly modified: number;
  readonly files: readonly string[];
  readonly summary: unknown;
}

/** Runs directly inside each report folder (one level: `aegis backtest --out DIR` writes one run per DIR). */
export function listRuns(roots: readonly string[]): ReportRun[] {
  const runs: ReportRun[] = [];
  for (const { rootIndex, root, name, path } of reportFolders(roots)) {
    const files = safeList(path);
    const marker = MARKERS.find((m) => files.includes(m));
    if (!marker) continue;
    let summary: unknown = null;
    try {
      summary = JSON.parse(readFileSync(join(path, marker), "utf8"));
    } catch {
      summary = null;
    }
    runs.push({
      id: `${rootIndex}/${name}`,
      kind: marker === "summary.json" ? "backtest" : "walk-forward",
      name: name === "." ? (root.split(sep).pop() ?? root) : name,
      modified: statSync(join(path, marker)).mtimeMs,
      files: files.filter((f) => TYPES[extname(f)] !== undefined),
      summary,
    });
  }
  return runs.sort((a, b) => b.modified - a.modified);
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * The file `file` of run `run` in root `rootIndex`, or undefined when it is outside that root: `..`, an absolute
 * path, or a symlink (of the file or of any folder on the way) that leads out. Decided on real paths, after every
 * link is resolved, so no spelling of a path gets around it.
 */
export function resolveReportFile(
  roots: readonly string[],
  rootIndex: number,
  run: string,
  file: string,
): string | undefined {
  const root = roots[rootIndex];
  if (root === undefined) return undefined;
  if (run.includes("\0") || file.includes("\0") || isAbsolute(run) || isAbsolute(file)) return undefined;
  if (TYPES[extname(file)] === undefined) return undefined;
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(join(realRoot, run, file));
  } catch {
    return undefined;
  }
  const inside = relative(realRoot, real);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return undefined;
  try {
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Backtest and walk-forward results written with `--out`, and their files (report.html, CSV, JSON). */
export function reportRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/reports",
    summary: "Backtest and walk-forward runs found in the report folders",
    tags: ["read"],
    access: "read",
    handler: () => ({ runs: listRuns(ctx.reportDirs) }),
  });

  routes.add(app, {
    method: "GET",
    url: "/api/reports/:root/:run/:file",
    summary: "One file of a run (report.html, summary.json, trades.csv …); anything outside the folders is 404",
    tags: ["read"],
    access: "read",
    params: z.object({
      root: z.coerce.number().int().min(0),
      run: z.string().min(1).max(255),
      file: z.string().min(1).max(255),
    }),
    handler: ({ params }, reply) => {
      const path = resolveReportFile(ctx.reportDirs, params.root, params.run, params.file);
      if (path === undefined) return notFound(reply, "report file");
      // A report is a whole page with its own scripts; it must not reach the API with the dashboard's token.
      return reply
        .header("content-type", TYPES[extname(path)] as string)
        .header(
          "content-security-policy",
          "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
        )
        .header("x-content-type-options", "nosniff")
        .send(createReadStream(path));
    },
  });
}
