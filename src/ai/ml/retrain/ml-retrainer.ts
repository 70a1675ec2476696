/**
 * Periodic retraining of an ML source inside a running session. The session calls `step(now)` at each step
 * boundary; the retrainer then (1) swaps in a model a finished job accepted, and (2) starts a job when one is due.
 * Jobs run off the trading path (a worker thread by default); a step never waits for one. At most one job runs at
 * a time; a due retrain while one runs waits for the next step after it ends.
 *
 * Crash-only: the schedule (`lastRetrainAt`) and the accepted version live in the versioned folder, so a restarted
 * session loads the latest accepted model and keeps the schedule it had.
 */
import type { CandleSeries } from "../../../domain/candles.js";
import type { ContextSeries } from "../../features/feature-matrix.js";
import type { ContextFeature } from "../../features/feature-names.js";
import type { EnsembleModel } from "../ensemble-model.js";
import { type LoadedModel, loadModel } from "../model-file.js";
import { loadCurrentModel, type RetrainRecord, readAcceptedState } from "./model-versions.js";
import type { RetrainJobResult, RetrainRunner } from "./retrain-job.js";
import { workerRunner } from "./worker-runner.js";

export interface RetrainSchedule {
  /** Time between retrains (ms). */
  readonly everyMs: number;
  /** Training window (ms) ending at the retrain moment. */
  readonly windowMs: number;
  /** Recent labelled bars held out to compare candidate and current model (default 10 % of the window). */
  readonly holdoutBars?: number;
  readonly tolerance?: number;
  readonly minTrainRows?: number;
}

export type RetrainEvent =
  | { readonly kind: "retrain-started"; readonly at: number; readonly lastBar: number }
  | { readonly kind: "model-swapped"; readonly at: number; readonly version: number; readonly record: RetrainRecord }
  | { readonly kind: "retrain-rejected"; readonly at: number; readonly record: RetrainRecord }
  | { readonly kind: "retrain-failed"; readonly at: number; readonly error: string };

export interface MlRetrainerOptions {
  readonly dir: string;
  readonly initialModel: string;
  readonly schedule: RetrainSchedule;
  /** The session's closed bars so far (stored + received); read only when a job starts. */
  readonly bars: () => CandleSeries;
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
  readonly runner?: RetrainRunner;
  /** Events go to the session's journal and alerts. */
  readonly onEvent?: (event: RetrainEvent) => void;
}

export class MlRetrainer {
  readonly #options: MlRetrainerOptions;
  readonly #runner: RetrainRunner;
  #loaded: LoadedModel;
  #version: number;
  #lastRetrainAt: number | undefined;
  #running: Promise<void> | undefined;
  #finished: { result?: RetrainJobResult; error?: string } | undefined;

  constructor(options: MlRetrainerOptions) {
    this.#options = options;
    this.#runner = options.runner ?? workerRunner;
    this.#loaded = loadCurrentModel(options.dir, options.initialModel);
    const state = readAcceptedState(options.dir);
    this.#version = state.current;
    this.#lastRetrainAt = state.lastRetrainAt;
  }

  /** A LoadedModel whose `model` is always the one in use: give it to createMlStrategy. */
  get loaded(): LoadedModel {
    const self = this;
    return {
      get metadata() {
        return self.#loaded.metadata;
      },
      get model(): EnsembleModel {
        return self.#loaded.model;
      },
      get path() {
        return self.#loaded.path;
      },
    };
  }

  /** 0 = the session's initial model; otherwise the accepted version in use. */
  get version(): number {
    return this.#version;
  }

  /** Resolves when no job is running (tests await it between steps; shutdown awaits it). */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Call at each step boundary, with the step's time. Never waits for a job. */
  step(now: number): RetrainEvent[] {
    const events: RetrainEvent[] = [];
    const emit = (event: RetrainEvent) => {
      events.push(event);
      this.#options.onEvent?.(event);
    };
    if (this.#finished) {
      const { result, error } = this.#finished;
      this.#finished = undefined;
      this.#running = undefined;
      if (error !== undefined) emit({ kind: "retrain-failed", at: now, error });
      else if (result?.modelFile) {
        const next = loadModel(result.modelFile, this.#loaded.metadata.features);
        const previous = this.#loaded;
        this.#loaded = next;
        this.#version = result.record.version;
        previous.model.dispose();
        emit({ kind: "model-swapped", at: now, version: this.#version, record: result.record });
      } else if (result) emit({ kind: "retrain-rejected", at: now, record: result.record });
    }
    if (this.#lastRetrainAt === undefined) this.#lastRetrainAt = now; // first step: the schedule starts here
    const { schedule } = this.#options;
    if (this.#running === undefined && now >= this.#lastRetrainAt + schedule.everyMs) {
      this.#lastRetrainAt = now;
      const candles = this.#options.bars();
      const barMs = this.#loaded.metadata.barMs;
      emit({
        kind: "retrain-started",
        at: now,
        lastBar: candles.length > 0 ? (candles.time[candles.length - 1] as number) : Number.NaN,
      });
      const holdoutBars = schedule.holdoutBars ?? Math.max(50, Math.floor(schedule.windowMs / barMs / 10));
      this.#running = this.#runner({
        dir: this.#options.dir,
        initialModel: this.#options.initialModel,
        currentModel: this.#loaded.path,
        candles,
        ...(this.#options.context ? { context: this.#options.context } : {}),
        now,
        windowMs: schedule.windowMs,
        holdoutBars,
        ...(schedule.tolerance !== undefined ? { tolerance: schedule.tolerance } : {}),
        ...(schedule.minTrainRows !== undefined ? { minTrainRows: schedule.minTrainRows } : {}),
      }).then(
        (result) => {
          this.#finished = { result };
        },
        (error: unknown) => {
          this.#finished = { error: (error as Error).message };
        },
      );
    }
    return events;
  }

  dispose(): void {
    this.#loaded.model.dispose();
  }
}
