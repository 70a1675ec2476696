/**
 * A retrain job as plain data (so it can cross into a worker thread) and the function that runs it: train, judge
 * against the current model file, and record the result in the versioned folder.
 */
import { threadId } from "node:worker_threads";
import type { CandleSeries } from "../../../domain/candles.js";
import type { ContextSeries } from "../../features/feature-matrix.js";
import type { ContextFeature } from "../../features/feature-names.js";
import { loadModel } from "../model-file.js";
import { type RetrainRecord, recordRetrain, recordSkippedRetrain } from "./model-versions.js";
import { RetrainSkipped, retrainModel } from "./retrain-model.js";

export interface RetrainJob {
  readonly dir: string;
  readonly initialModel: string;
  /** The model in use when the job started: the candidate must beat it on the held-out window. */
  readonly currentModel: string;
  readonly candles: CandleSeries;
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
  readonly now: number;
  readonly windowMs: number;
  readonly holdoutBars: number;
  readonly tolerance?: number;
  readonly minTrainRows?: number;
}

export interface RetrainJobResult {
  readonly record: RetrainRecord;
  /** The new model file when the candidate was accepted. */
  readonly modelFile?: string;
}

export type RetrainRunner = (job: RetrainJob) => Promise<RetrainJobResult>;

export function runRetrainJob(job: RetrainJob): RetrainJobResult {
  const current = loadModel(job.currentModel);
  const { features, label, parameters, symbol } = current.metadata;
  try {
    const outcome = retrainModel(
      {
        candles: job.candles,
        ...(job.context ? { context: job.context } : {}),
        features,
        label,
        parameters,
        now: job.now,
        windowMs: job.windowMs,
        holdoutBars: job.holdoutBars,
        ...(job.tolerance !== undefined ? { tolerance: job.tolerance } : {}),
        ...(job.minTrainRows !== undefined ? { minTrainRows: job.minTrainRows } : {}),
      },
      (data, rows, columns) => current.model.predict({ data, rows, columns }).ensemble,
    );
    try {
      return recordRetrain({
        dir: job.dir,
        initialModel: job.initialModel,
        outcome,
        symbol,
        features,
        label,
        parameters,
        now: job.now,
        thread: threadId,
      });
    } finally {
      outcome.model.dispose();
    }
  } catch (error) {
    if (!(error instanceof RetrainSkipped)) throw error;
    return { record: recordSkippedRetrain(job.dir, job.initialModel, job.now, `skipped: ${error.message}`, threadId) };
  } finally {
    current.model.dispose();
  }
}

/** Runs the job on the calling thread (tests, and a fallback); it still resolves asynchronously. */
export const inlineRunner: RetrainRunner = async (job) => runRetrainJob(job);
