/**
 * Versioned model folder of a retraining ML source, crash-only:
 *
 *   <dir>/v0001/model.model.json (+ its two XGBoost files and version.json)
 *   <dir>/v0002/…
 *   <dir>/accepted.json   which version is in use, and the history of every retrain (accepted or not)
 *
 * A version is written into a `.tmp-…` folder and renamed into place, then accepted.json is replaced through a
 * temporary file and a rename. A crash at any point leaves the previous accepted.json naming a complete folder; a
 * half-written folder is never named, so it is never loaded (it is removed on the next start).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FeatureName } from "../../features/feature-names.js";
import type { EnsembleParameters } from "../ensemble-model.js";
import type { LabelSpec } from "../labels.js";
import { type LoadedModel, loadModel, saveModel } from "../model-file.js";
import type { RetrainOutcome } from "./retrain-model.js";

export interface RetrainRecord {
  /** Version number given to the candidate (rejected candidates get one too, and are not kept on disk). */
  readonly version: number;
  readonly at: string;
  readonly accepted: boolean;
  readonly reason: string;
  readonly trainRange?: RetrainOutcome["trainRange"];
  readonly validationRange?: RetrainOutcome["validationRange"];
  readonly candidateLogLoss?: number;
  readonly currentLogLoss?: number;
  readonly candidateAuc?: number | null;
  readonly currentAuc?: number | null;
  /** Thread the job ran on: a worker thread's id, 0 = the trading thread itself (the inline runner). */
  readonly thread?: number;
}

export interface AcceptedState {
  /** Version in use; 0 = the model the session was started with (its own file, `initialModel`). */
  readonly current: number;
  readonly initialModel?: string;
  readonly lastRetrainAt?: number;
  readonly history: readonly RetrainRecord[];
}

const STATE = "accepted.json";

export function versionFolder(dir: string, version: number): string {
  return join(dir, `v${String(version).padStart(4, "0")}`);
}

export function readAcceptedState(dir: string): AcceptedState {
  const path = join(dir, STATE);
  if (!existsSync(path)) return { current: 0, history: [] };
  return JSON.parse(readFileSync(path, "utf8")) as AcceptedState;
}

function writeAcceptedState(dir: string, state: AcceptedState): void {
  const temp = join(dir, `.${STATE}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, join(dir, STATE));
}

/** The model path in use: the accepted version's file, or `initialModel` when none was accepted yet. */
export function currentModelPath(dir: string, initialModel: string): string {
  const state = readAcceptedState(dir);
  return state.current > 0 ? join(versionFolder(dir, state.current), "model.model.json") : initialModel;
}

/** Removes `.tmp-*` folders left by a crash in the middle of a write (they were never accepted). */
export function removeHalfWritten(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((name) => name.startsWith(".tmp-"));
  for (const name of stale) rmSync(join(dir, name), { recursive: true, force: true });
  return stale;
}

export interface RecordRetrainInput {
  readonly dir: string;
  readonly initialModel: string;
  readonly outcome: RetrainOutcome;
  readonly symbol: string;
  readonly features: readonly FeatureName[];
  readonly label: LabelSpec;
  readonly parameters: EnsembleParameters;
  readonly now: number;
  readonly thread?: number;
}

function recordOf(version: number, now: number, outcome: RetrainOutcome, thread?: number): RetrainRecord {
  return {
    version,
    at: new Date(now).toISOString(),
    accepted: outcome.accepted,
    reason: outcome.reason,
    trainRange: outcome.trainRange,
    validationRange: outcome.validationRange,
    candidateLogLoss: outcome.candidate.logLoss,
    candidateAuc: outcome.candidate.auc,
    ...(outcome.current ? { currentLogLoss: outcome.current.logLoss, currentAuc: outcome.current.auc } : {}),
    ...(thread !== undefined ? { thread } : {}),
  };
}

/**
 * Records a retrain; an accepted candidate is saved as the next version (temp folder → rename) and becomes
 * current. Returns the record and, when accepted, the path of the new model file.
 */
export function recordRetrain(input: RecordRetrainInput): { record: RetrainRecord; modelFile?: string } {
  const { dir, outcome } = input;
  mkdirSync(dir, { recursive: true });
  const state = readAcceptedState(dir);
  const version = Math.max(state.current, ...state.history.map((r) => r.version)) + 1;
  const record = recordOf(version, input.now, outcome, input.thread);
  let modelFile: string | undefined;
  if (outcome.accepted) {
    const temp = join(dir, `.tmp-v${version}-${process.pid}`);
    rmSync(temp, { recursive: true, force: true });
    const iso = (ms: number) => new Date(ms).toISOString();
    saveModel(temp, "model", outcome.model, {
      features: input.features,
      label: input.label,
      symbol: input.symbol,
      barMs: outcome.barMs,
      dataRange: {
        from: outcome.trainRange.from,
        to: outcome.trainRange.to,
        fromIso: iso(outcome.trainRange.from),
        toIso: iso(outcome.trainRange.to),
        rows: outcome.trainRange.rows,
      },
      parameters: input.parameters,
      metrics: { outOfSample: outcome.candidate, inSample: outcome.inSample, topFeatures: outcome.topFeatures },
      createdAt: new Date(input.now).toISOString(),
    });
    writeFileSync(
      join(temp, "version.json"),
      `${JSON.stringify({ ...record, lastBarUsed: outcome.lastBarUsed, previous: state.current }, null, 2)}\n`,
    );
    const folder = versionFolder(dir, version);
    rmSync(folder, { recursive: true, force: true });
    renameSync(temp, folder);
    modelFile = join(folder, "model.model.json");
  }
  writeAcceptedState(dir, {
    current: outcome.accepted ? version : state.current,
    initialModel: input.initialModel,
    lastRetrainAt: input.now,
    history: [...state.history, record],
  });
  return { record, ...(modelFile ? { modelFile } : {}) };
}

/** Records a retrain that could not run (too few bars, an error): the schedule moves on, the model stays. */
export function recordSkippedRetrain(
  dir: string,
  initialModel: string,
  now: number,
  reason: string,
  thread?: number,
): RetrainRecord {
  mkdirSync(dir, { recursive: true });
  const state = readAcceptedState(dir);
  const record: RetrainRecord = {
    version: 0,
    at: new Date(now).toISOString(),
    accepted: false,
    reason,
    ...(thread !== undefined ? { thread } : {}),
  };
  writeAcceptedState(dir, { ...state, initialModel, lastRetrainAt: now, history: [...state.history, record] });
  return record;
}

/** Loads the model in use after a restart (the latest accepted version, else the initial model). */
export function loadCurrentModel(dir: string, initialModel: string): LoadedModel {
  removeHalfWritten(dir);
  const initial = loadModel(initialModel);
  const path = currentModelPath(dir, initialModel);
  if (path === initialModel) return initial;
  initial.model.dispose();
  return loadModel(path, initial.metadata.features);
}
