import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { notFound } from "./read-common.js";

/** What the dashboard's model panel reads of a training run's `metrics.json` (written by `aegis train ml`). */
const metricsSchema = z.object({
  accuracy: z.number(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  logLoss: z.number(),
  auc: z.number().nullable(),
  brier: z.number(),
  baseRate: z.number(),
  rows: z.number(),
  calibration: z.array(
    z.object({
      from: z.number(),
      to: z.number(),
      count: z.number(),
      meanPredicted: z.number().nullable(),
      observedRate: z.number().nullable(),
    }),
  ),
});

const runSchema = z.object({
  symbol: z.string(),
  features: z.array(z.string()),
  label: z.unknown(),
  permutationBaseline: z.boolean(),
  outOfSample: metricsSchema,
  abstainedRows: z.number(),
  topFeatures: z.array(z.object({ feature: z.string(), gain: z.number() })),
  folds: z.array(
    z.object({
      index: z.number(),
      trainRows: z.number(),
      testFrom: z.number(),
      testTo: z.number(),
      metrics: metricsSchema.pick({ accuracy: true, auc: true, logLoss: true, rows: true }),
    }),
  ),
  finalModel: z.string().nullable(),
});

export type ModelRunMetrics = z.infer<typeof runSchema>;

/** One training run: a folder holding `metrics.json`. A file that does not read as one is listed with why. */
export type ModelRun =
  | { readonly id: string; readonly name: string; readonly ok: true; readonly run: ModelRunMetrics }
  | { readonly id: string; readonly name: string; readonly ok: false; readonly error: string };

/**
 * Training runs in each model folder: the folder itself and the folders one and two levels below it (`models/`,
 * `models/ml/`, `models/ml/btc-2024/`). Ids are `<root index>/<relative folder>`, never a file-system path.
 */
export function listModelRuns(roots: readonly string[]): ModelRun[] {
  const runs: ModelRun[] = [];
  roots.forEach((root, index) => {
    const visit = (relative: string, depth: number) => {
      const folder = relative === "." ? root : join(root, relative);
      let entries: Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return; // a folder that is not there yet holds no runs
      }
      if (entries.some((e) => e.isFile() && e.name === "metrics.json")) runs.push(readRun(index, root, relative));
      if (depth === 2) return;
      for (const e of entries)
        if (e.isDirectory()) visit(relative === "." ? e.name : `${relative}/${e.name}`, depth + 1);
    };
    visit(".", 0);
  });
  return runs.sort((a, b) => a.id.localeCompare(b.id));
}

function readRun(index: number, root: string, relative: string): ModelRun {
  const id = `${index}/${relative}`;
  const name = relative === "." ? root.split("/").pop() || root : relative;
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(join(root, relative, "metrics.json"), "utf8"));
  } catch (error) {
    return { id, name, ok: false, error: `metrics.json is not JSON: ${(error as Error).message}` };
  }
  const parsed = runSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(top)";
    return { id, name, ok: false, error: `metrics.json is not a training run's: ${where}: ${issue?.message}` };
  }
  return { id, name, ok: true, run: parsed.data };
}

/** The ML metrics panel: every training run's out-of-sample metrics, calibration, folds and top features. */
export function modelRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  const roots = () => ctx.modelDirs ?? [];
  routes.add(app, {
    method: "GET",
    url: "/api/models",
    summary: "Training runs of the ML signal sources, with their out-of-sample metrics",
    tags: ["read"],
    access: "read",
    handler: async () => ({
      runs: listModelRuns(roots()).map((r) =>
        r.ok
          ? {
              id: r.id,
              name: r.name,
              ok: true,
              symbol: r.run.symbol,
              features: r.run.features.length,
              permutationBaseline: r.run.permutationBaseline,
              folds: r.run.folds.length,
              finalModel: r.run.finalModel !== null,
              outOfSample: r.run.outOfSample,
              topFeatures: r.run.topFeatures.slice(0, 5),
            }
          : r,
      ),
    }),
  });

  routes.add(app, {
    method: "GET",
    url: "/api/models/:root/*",
    summary: "One training run: out-of-sample metrics, calibration, every fold and the top features",
    tags: ["read"],
    access: "read",
    params: z.object({ root: z.string().regex(/^\d+$/), "*": z.string().min(1).max(400) }),
    handler: async ({ params }, reply) => {
      const id = `${params.root}/${params["*"]}`;
      const run = listModelRuns(roots()).find((r) => r.id === id);
      if (!run) return notFound(reply, `training run ${id}`);
      return run;
    },
  });
}
