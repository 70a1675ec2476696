/**
 * Walk-forward training and prediction: for each fold, train the ensemble on the purged rows before the test
 * window, predict the test window, and keep those predictions; together they are an out-of-sample probability for
 * every bar after the first training set. Optionally a final model on all labelled rows, for trading from now on.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CandleSeries } from "../../domain/candles.js";
import { buildFeatureMatrix, type ContextSeries, type FeatureMatrix, inferBarMs } from "../features/feature-matrix.js";
import type { ContextFeature, FeatureName } from "../features/feature-names.js";
import { type ClassificationMetrics, classificationMetrics } from "./classification-metrics.js";
import { DEFAULT_ENSEMBLE_PARAMETERS, EnsembleModel, type EnsembleParameters } from "./ensemble-model.js";
import { forwardReturnLabels, type LabelSpec, type Labels, tripleBarrierLabels } from "./labels.js";
import { type ModelMetrics, saveModel } from "./model-file.js";
import { purgedWalkForward } from "./purged-walk-forward.js";

export interface TrainMlOptions {
  readonly candles: CandleSeries;
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
  readonly features?: readonly FeatureName[];
  readonly label: LabelSpec;
  /** Bars per test window: how often the model is retrained (default 90 days of bars). */
  readonly testSize?: number;
  /** Bars of training before the first test window (default 365 days of bars). */
  readonly minTrainSize?: number;
  /** Rolling training window in bars; default: expanding (all earlier rows). */
  readonly maxTrainSize?: number;
  /** Gap between the last training label and the test window (default: the label horizon). */
  readonly embargo?: number;
  readonly parameters?: EnsembleParameters;
  /** Permutation baseline: shuffle each fold's training labels with this seed (same pipeline otherwise). */
  readonly shuffleLabelsSeed?: number;
  /** Write fold-NNN.model.json per fold, final.model.json and metrics.json here. */
  readonly outDir?: string;
  /** Also train a final model on every labelled row (default: true when outDir is set). */
  readonly trainFinal?: boolean;
  readonly onProgress?: (done: number, total: number, detail: string) => void;
  /** Clock for createdAt (tests pass a fixed one). */
  readonly now?: () => Date;
}

export interface FoldReport {
  readonly index: number;
  readonly trainRows: number;
  readonly purged: number;
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
  /** Test rows with a NaN feature: no vote. */
  readonly abstained: number;
  readonly metrics: ClassificationMetrics;
  readonly modelFile?: string;
}

export interface TrainMlResult {
  readonly matrix: FeatureMatrix;
  readonly labels: Labels;
  /** Out-of-sample ensemble probability per bar; NaN where no fold predicted it or a feature was NaN. */
  readonly probability: Float64Array;
  readonly folds: readonly FoldReport[];
  readonly outOfSample: ClassificationMetrics;
  readonly abstained: number;
  readonly topFeatures: readonly { feature: string; gain: number }[];
  readonly finalModelFile?: string;
  readonly metricsFile?: string;
}

const DAY_MS = 86_400_000;

export function makeLabels(candles: CandleSeries, spec: LabelSpec): Labels {
  return spec.kind === "forward-return"
    ? forwardReturnLabels(candles.close, spec.horizon, spec.threshold)
    : tripleBarrierLabels(candles.high, candles.low, candles.close, spec.horizon, spec.upper, spec.lower);
}

/** Seeded Fisher–Yates on a copy (mulberry32, so a baseline run is reproduced from its seed). */
function shuffled(values: Float32Array, seed: number): Float32Array {
  const out = Float32Array.from(values);
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

function hasNaN(block: Float32Array, row: number, width: number): boolean {
  for (let c = 0; c < width; c++) if (Number.isNaN(block[row * width + c] as number)) return true;
  return false;
}

function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function trainWalkForward(options: TrainMlOptions): TrainMlResult {
  const { candles } = options;
  const barMs = inferBarMs(candles.time);
  const barsPerDay = Math.max(1, Math.round(DAY_MS / barMs));
  const parameters = options.parameters ?? DEFAULT_ENSEMBLE_PARAMETERS;
  const matrix = buildFeatureMatrix(candles, {
    ...(options.features ? { features: options.features } : {}),
    ...(options.context ? { context: options.context } : {}),
    barMs,
  });
  const labels = makeLabels(candles, options.label);
  const folds = purgedWalkForward({
    start: matrix.validFrom,
    end: candles.length,
    testSize: options.testSize ?? 90 * barsPerDay,
    minTrainSize: options.minTrainSize ?? 365 * barsPerDay,
    ...(options.maxTrainSize !== undefined ? { maxTrainSize: options.maxTrainSize } : {}),
    embargo: options.embargo ?? options.label.horizon,
    labelEnd: labels.end,
  });
  const width = matrix.names.length;
  const probability = new Float64Array(candles.length).fill(Number.NaN);
  const reports: FoldReport[] = [];
  const now = options.now ?? (() => new Date());
  const trainFinal = options.trainFinal ?? options.outDir !== undefined;
  const total = folds.length + (trainFinal ? 1 : 0);
  let abstained = 0;
  let lastTop: { feature: string; gain: number }[] = [];

  const train = (rows: Int32Array, seedOffset: number): EnsembleModel => {
    const block = matrix.rowsBlock(rows);
    let y: Float32Array = Float32Array.from(rows, (row) => labels.value[row] as number);
    if (options.shuffleLabelsSeed !== undefined) y = shuffled(y, options.shuffleLabelsSeed + seedOffset);
    return EnsembleModel.train({ data: block, rows: rows.length, columns: width }, y, parameters);
  };

  const metadata = (rows: Int32Array, metrics: ModelMetrics) => ({
    features: matrix.names,
    label: options.label,
    symbol: candles.symbol,
    barMs,
    dataRange: {
      from: candles.time[rows[0] as number] as number,
      to: candles.time[rows[rows.length - 1] as number] as number,
      fromIso: iso(candles.time[rows[0] as number] as number),
      toIso: iso(candles.time[rows[rows.length - 1] as number] as number),
      rows: rows.length,
    },
    parameters,
    metrics,
    createdAt: now().toISOString(),
  });

  for (const fold of folds) {
    options.onProgress?.(reports.length, total, `fold ${fold.index + 1}/${folds.length}`);
    const model = train(fold.train, fold.index);
    const testRows = range(fold.testStart, fold.testEnd);
    const block = matrix.rowsBlock(testRows);
    const predicted = model.predict({ data: block, rows: testRows.length, columns: width }).ensemble;
    let foldAbstained = 0;
    for (let r = 0; r < testRows.length; r++) {
      if (hasNaN(block, r, width)) foldAbstained++;
      else probability[testRows[r] as number] = predicted[r] as number;
    }
    abstained += foldAbstained;
    const testLabels = Float64Array.from(testRows, (row) => labels.value[row] as number);
    const testProbability = Float64Array.from(testRows, (row) => probability[row] as number);
    const metrics = classificationMetrics(testProbability, testLabels);
    lastTop = model.topFeatures(matrix.names);
    let modelFile: string | undefined;
    if (options.outDir) {
      const trainBlock = matrix.rowsBlock(fold.train);
      const inSample = classificationMetrics(
        model.predict({ data: trainBlock, rows: fold.train.length, columns: width }).ensemble,
        Float64Array.from(fold.train, (row) => labels.value[row] as number),
      );
      const name = `fold-${String(fold.index).padStart(3, "0")}`;
      modelFile = saveModel(
        options.outDir,
        name,
        model,
        metadata(fold.train, { outOfSample: metrics, inSample, topFeatures: lastTop }),
      );
    }
    model.dispose();
    reports.push({
      index: fold.index,
      trainRows: fold.train.length,
      purged: fold.purged,
      trainFrom: candles.time[fold.train[0] as number] as number,
      trainTo: candles.time[fold.train[fold.train.length - 1] as number] as number,
      testFrom: candles.time[fold.testStart] as number,
      testTo: candles.time[fold.testEnd - 1] as number,
      abstained: foldAbstained,
      metrics,
      ...(modelFile ? { modelFile } : {}),
    });
  }

  const outOfSample = classificationMetrics(probability, labels.value);
  let finalModelFile: string | undefined;
  if (trainFinal) {
    options.onProgress?.(reports.length, total, "final model");
    const rows = Int32Array.from(
      range(matrix.validFrom, candles.length).filter((row) => (labels.end[row] as number) >= 0),
    );
    if (rows.length > 0) {
      const model = train(rows, folds.length);
      lastTop = model.topFeatures(matrix.names);
      if (options.outDir) {
        finalModelFile = saveModel(options.outDir, "final", model, metadata(rows, { topFeatures: lastTop }));
      }
      model.dispose();
    }
  }
  options.onProgress?.(total, total, "done");

  let metricsFile: string | undefined;
  const result = { matrix, labels, probability, folds: reports, outOfSample, abstained, topFeatures: lastTop };
  if (options.outDir) metricsFile = writeMetrics(options, result, finalModelFile);
  return { ...result, ...(finalModelFile ? { finalModelFile } : {}), ...(metricsFile ? { metricsFile } : {}) };
}

function writeMetrics(
  options: TrainMlOptions,
  result: Pick<TrainMlResult, "matrix" | "folds" | "outOfSample" | "abstained" | "topFeatures">,
  finalModelFile: string | undefined,
): string {
  const path = join(options.outDir as string, "metrics.json");
  const body = {
    symbol: options.candles.symbol,
    features: result.matrix.names,
    featurePipelineVersion: result.matrix.version,
    label: options.label,
    permutationBaseline: options.shuffleLabelsSeed !== undefined,
    outOfSample: result.outOfSample,
    abstainedRows: result.abstained,
    topFeatures: result.topFeatures,
    folds: result.folds,
    finalModel: finalModelFile ?? null,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}
