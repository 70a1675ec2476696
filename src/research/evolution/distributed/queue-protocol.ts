import { createHash } from "node:crypto";
import type { CandleSeries } from "../../../domain/candles.js";
import type { StrategySpec } from "../../../strategy/spec/schema.js";
import type { Fitness, FitnessPlan } from "../fitness.js";

/** Queue of the fitness jobs, unless `--queue-name` says otherwise. */
export const DEFAULT_QUEUE_NAME = "aegis-evolve";

/**
 * Which bars a job is evaluated on: the first `bars` bars of a data file the worker reads itself (a shared disk, or
 * the same file copied to each machine). The fingerprint proves the worker's bars are the evolver's.
 */
export interface DataReference {
  readonly file: string;
  readonly bars: number;
  readonly fingerprint: string;
}

/** One BullMQ job: a slice of a generation's specs, scored on the referenced bars with the plan. */
export interface FitnessJob {
  readonly data: DataReference;
  readonly plan: FitnessPlan;
  readonly specs: readonly StrategySpec[];
}

/** Hash of a series' times and OHLCV: two loads of the same bars give the same fingerprint, any change another. */
export function seriesFingerprint(series: CandleSeries): string {
  const hash = createHash("sha256");
  hash.update(`${series.length}|`);
  for (const column of [series.time, series.open, series.high, series.low, series.close, series.volume]) {
    const view = column.subarray(0, series.length);
    hash.update(Buffer.from(view.buffer, view.byteOffset, view.byteLength));
  }
  return hash.digest("hex").slice(0, 32);
}

/** A job's answer checked before the evolver sees it: one Fitness-shaped value per spec, or an error saying why. */
export function checkJobResult(result: unknown, job: FitnessJob, jobId: string): Fitness[] {
  const expected = job.specs.length;
  if (!Array.isArray(result))
    throw new Error(`queue job ${jobId} returned ${typeof result} instead of ${expected} fitness values`);
  if (result.length !== expected)
    throw new Error(`queue job ${jobId} returned ${result.length} fitness values for ${expected} specs`);
  result.forEach((value, i) => {
    const problem = fitnessProblem(value, job.plan.blocks);
    if (problem !== undefined) throw new Error(`queue job ${jobId} returned a bad fitness for spec ${i}: ${problem}`);
  });
  return result as Fitness[];
}

function fitnessProblem(value: unknown, blocks: number): string | undefined {
  if (typeof value !== "object" || value === null) return `${value === null ? "null" : typeof value}, not an object`;
  const f = value as Partial<Fitness>;
  if (!(f.fitness === null || (typeof f.fitness === "number" && Number.isFinite(f.fitness))))
    return `fitness ${String(f.fitness)} is neither a finite number nor null`;
  if (typeof f.outOfSample !== "object" || f.outOfSample === null) return "no out-of-sample numbers";
  if (!Array.isArray(f.blockStats) || f.blockStats.length !== blocks * 3)
    return `block statistics are not ${blocks * 3} numbers`;
  if (typeof f.complexity !== "number") return "no complexity";
  return undefined;
}
