/**
 * Model files: `<name>.model.json` (the metadata a person and the dashboard read: feature list, pipeline version,
 * label, data range, parameters, metrics) beside the two XGBoost model files it names. The metadata file is "the
 * model": load it, and every check that keeps a model from reading other inputs than it was trained on runs there.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FEATURE_PIPELINE_VERSION, type FeatureName, isFeatureName } from "../features/feature-names.js";
import type { ClassificationMetrics } from "./classification-metrics.js";
import { EnsembleModel, type EnsembleParameters } from "./ensemble-model.js";
import type { LabelSpec } from "./labels.js";
import { Booster } from "./xgboost-native.js";

export const MODEL_FORMAT = "aegis-ml-ensemble";
export const MODEL_FORMAT_VERSION = 1;

export interface ModelMetrics {
  /** On rows the model never trained on (the fold's test window; absent for a final model trained on everything). */
  readonly outOfSample?: ClassificationMetrics;
  /** On its own training rows: an upper bound, for spotting overfitting by the gap to out-of-sample. */
  readonly inSample?: ClassificationMetrics;
  readonly topFeatures: readonly { feature: string; gain: number }[];
}

export interface ModelMetadata {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: number;
  readonly featurePipelineVersion: string;
  readonly features: readonly FeatureName[];
  readonly label: LabelSpec;
  readonly symbol: string;
  readonly barMs: number;
  /** Bars the model was trained on: open times (Unix ms and ISO) of the first and last training row. */
  readonly dataRange: {
    readonly from: number;
    readonly to: number;
    readonly fromIso: string;
    readonly toIso: string;
    readonly rows: number;
  };
  readonly parameters: EnsembleParameters;
  readonly metrics: ModelMetrics;
  readonly files: { readonly boosting: string; readonly forest: string };
  readonly createdAt: string;
}

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFileError";
  }
}

export interface LoadedModel {
  readonly metadata: ModelMetadata;
  readonly model: EnsembleModel;
  readonly path: string;
}

/** Writes `<dir>/<name>.model.json` and its two XGBoost files; returns the metadata path. */
export function saveModel(
  dir: string,
  name: string,
  model: EnsembleModel,
  metadata: Omit<ModelMetadata, "format" | "formatVersion" | "featurePipelineVersion" | "files">,
): string {
  mkdirSync(dir, { recursive: true });
  const files = { boosting: `${name}.boosting.xgb.json`, forest: `${name}.forest.xgb.json` };
  model.boosting.save(join(dir, files.boosting));
  model.forest.save(join(dir, files.forest));
  const full: ModelMetadata = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    featurePipelineVersion: FEATURE_PIPELINE_VERSION,
    ...metadata,
    files,
  };
  const path = join(dir, `${name}.model.json`);
  writeFileSync(path, `${JSON.stringify(full, null, 2)}\n`);
  return path;
}

/** Reads and checks the metadata only (no XGBoost needed): what `loadModel` refuses, this refuses too. */
export function readModelMetadata(path: string, expectedFeatures?: readonly string[]): ModelMetadata {
  if (!existsSync(path)) throw new ModelFileError(`model file ${path} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ModelFileError(`model file ${path} is not JSON: ${(error as Error).message}`);
  }
  const meta = raw as Partial<ModelMetadata>;
  if (typeof meta !== "object" || meta === null || meta.format !== MODEL_FORMAT) {
    throw new ModelFileError(
      `${path} is not an Aegis ML model file (expected "format": "${MODEL_FORMAT}"; give the .model.json file)`,
    );
  }
  if (meta.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelFileError(
      `${path} has model format version ${meta.formatVersion}; this Aegis reads version ${MODEL_FORMAT_VERSION}`,
    );
  }
  if (meta.featurePipelineVersion !== FEATURE_PIPELINE_VERSION) {
    throw new ModelFileError(
      `${path} was trained with feature pipeline version ${meta.featurePipelineVersion}, this Aegis computes version ${FEATURE_PIPELINE_VERSION}: its inputs would mean something else; retrain it with \`aegis train ml\``,
    );
  }
  const features = meta.features;
  if (!Array.isArray(features) || features.length === 0) throw new ModelFileError(`${path} lists no features`);
  const unknown = features.filter((name) => typeof name !== "string" || !isFeatureName(name));
  if (unknown.length > 0)
    throw new ModelFileError(`${path} uses features this pipeline does not know: ${unknown.join(", ")}`);
  if (
    expectedFeatures &&
    (expectedFeatures.length !== features.length || expectedFeatures.some((name, i) => name !== features[i]))
  ) {
    throw new ModelFileError(
      `${path} was trained on features [${features.join(", ")}], but [${expectedFeatures.join(", ")}] were expected`,
    );
  }
  if (!meta.files || typeof meta.files.boosting !== "string" || typeof meta.files.forest !== "string") {
    throw new ModelFileError(`${path} does not name its XGBoost files`);
  }
  return meta as ModelMetadata;
}

/**
 * Loads a model. Refused with a ModelFileError naming the problem: another format or pipeline version, an unknown
 * feature, a feature list other than `expectedFeatures`, a missing XGBoost file, or an XGBoost file whose feature
 * count differs from the list.
 */
export function loadModel(path: string, expectedFeatures?: readonly string[]): LoadedModel {
  const metadata = readModelMetadata(path, expectedFeatures);
  const dir = dirname(path);
  const boosters = [metadata.files.boosting, metadata.files.forest].map((file) => {
    const full = join(dir, basename(file));
    if (!existsSync(full)) throw new ModelFileError(`${path} names ${file}, which is not beside it`);
    const booster = Booster.load(full);
    const count = booster.featureCount;
    if (count !== metadata.features.length) {
      booster.dispose();
      throw new ModelFileError(`${full} reads ${count} features, but ${path} lists ${metadata.features.length}`);
    }
    return booster;
  });
  return { metadata, model: new EnsembleModel(boosters[0] as Booster, boosters[1] as Booster), path };
}
