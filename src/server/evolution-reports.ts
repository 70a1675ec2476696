import { readFileSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { z } from "zod";
import { reportFolders } from "./report-folders.js";

/**
 * `aegis evolve --out DIR` writes DIR/evolution.json (research/evolution/run-evolution.ts, EvolutionRun). The
 * dashboard reads what it draws from it: the fitness per generation, the lineage of the best strategy and the
 * finalists' gate verdicts. Read with a lenient schema (an older or newer file still shows what it has); a file
 * that is not JSON or not an evolution is skipped, never a failed page.
 */
const nullableNumber = z.number().nullable().catch(null);
const generationSchema = z.object({
  generation: z.number(),
  best: nullableNumber,
  mean: nullableNumber,
  ranked: z.number().catch(0),
  evaluated: z.number().catch(0),
});
const gateSchema = z.object({
  gate: z.string(),
  passed: z.boolean(),
  value: nullableNumber,
  threshold: z.string().catch(""),
  detail: z.string().catch(""),
});
const evolutionFileSchema = z.object({
  symbol: z.string(),
  regime: z.string().nullable().catch(null),
  seed: z.union([z.number(), z.string()]).catch(""),
  stoppedBecause: z.string().catch(""),
  trials: z.number().catch(0),
  pbo: z.object({ pbo: z.number() }).nullable().catch(null),
  generations: z.array(generationSchema),
  lineage: z
    .array(
      z.object({
        hash: z.string(),
        name: z.string().catch(""),
        generation: z.number(),
        fitness: nullableNumber,
        parents: z.array(z.string()).catch([]),
      }),
    )
    .catch([]),
  finalists: z
    .array(
      z.object({
        hash: z.string(),
        name: z.string().catch(""),
        generation: z.number().catch(0),
        fitness: nullableNumber,
        gates: z.object({ passed: z.boolean(), gates: z.array(gateSchema).catch([]), reasons: z.array(z.string()) }),
      }),
    )
    .catch([]),
});

export type EvolutionFile = z.infer<typeof evolutionFileSchema>;

export interface EvolutionReport extends EvolutionFile {
  /** `<root index>/<folder>`, as the backtest report viewer names runs: never a file-system path. */
  readonly id: string;
  readonly name: string;
  /** When evolution.json was written (Unix ms): the time its finalists' verdicts were given. */
  readonly modified: number;
}

/** Evolution runs directly inside each report folder (or the folder itself), newest first. */
export function listEvolutionReports(roots: readonly string[]): EvolutionReport[] {
  const reports: EvolutionReport[] = [];
  for (const { rootIndex, root, name, path } of reportFolders(roots)) {
    const file = join(path, "evolution.json");
    let modified: number;
    let parsed: ReturnType<typeof evolutionFileSchema.safeParse>;
    try {
      modified = statSync(file).mtimeMs;
      parsed = evolutionFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    reports.push({
      ...parsed.data,
      id: `${rootIndex}/${name}`,
      name: name === "." ? (root.split(sep).pop() ?? root) : name,
      modified,
    });
  }
  return reports.sort((a, b) => b.modified - a.modified);
}
