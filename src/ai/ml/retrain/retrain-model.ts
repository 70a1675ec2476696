/**
 * One scheduled retrain: train a candidate ensemble on the closed bars of a rolling window that ended before the
 * retrain moment, judge it against the model in use on a held-out recent window, and keep it only when it is not
 * worse. Point-in-time by construction: bars whose close is after `now` are cut before any feature or label is
 * computed, so neither can read them.
 *
 * The acceptance rule (documented in README.md, "Retraining in a session"): the last `holdoutBars` labelled rows are the
 * validation window; training rows are purged so that no training label ends inside it, plus an embargo of the
 * label horizon. The candidate is accepted when its validation log-loss is at most the current model's on the
 * same rows plus `tolerance` (default 0), and it has no NaN log-loss. With no current model, a candidate is
 * accepted when its validation log-loss is below ln 2 + tolerance (no worse than a coin flip). The model that was
 * validated is the model deployed: it is not refitted on the validation rows afterwards.
 */
import type { CandleSeries } from "../../../domain/candles.js";
import { buildFeatureMatrix, type ContextSeries, inferBarMs } from "../../features/feature-matrix.js";
import type { ContextFeature, FeatureName } from "../../features/feature-names.js";
import { type ClassificationMetrics, classificationMetrics } from "../classification-metrics.js";
import { EnsembleModel, type EnsembleParameters } from "../ensemble-model.js";
import type { LabelSpec } from "../labels.js";
import { makeLabels } from "../train-walk-forward.js";

export interface RetrainInput {
  readonly candles: CandleSeries;
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
  readonly features: readonly FeatureName[];
  readonly label: LabelSpec;
  readonly parameters: EnsembleParameters;
  /** The retrain moment (Unix ms): only bars closed at or before it are used. */
  readonly now: number;
  /** Length of the training window in ms, ending at `now`. */
  readonly windowMs: number;
  /** Most recent labelled rows held out to compare the candidate with the current model. */
  readonly holdoutBars: number;
  /** Accept when candidate log-loss ≤ current log-loss + tolerance. */
  readonly tolerance?: number;
  /** Fewest training rows after the purge (fewer: the retrain is skipped, recorded). */
  readonly minTrainRows?: number;
}

export interface RetrainComparison {
  readonly candidate: ClassificationMetrics;
  /** The current model's metrics on the same validation rows (absent on the first model). */
  readonly current?: ClassificationMetrics;
  readonly accepted: boolean;
  readonly reason: string;
}

export interface RetrainOutcome extends RetrainComparison {
  readonly model: EnsembleModel;
  readonly barMs: number;
  readonly trainRange: { readonly from: number; readonly to: number; readonly rows: number };
  readonly validationRange: { readonly from: number; readonly to: number; readonly rows: number };
  /** Open time of the last bar the retrain could see (its close is ≤ now). */
  readonly lastBarUsed: number;
  readonly inSample: ClassificationMetrics;
  readonly topFeatures: readonly { feature: string; gain: number }[];
}

/** Candles whose bar closed at or before `now` and opened at or after `now - windowMs` (copies). */
export function closedBarsBefore(candles: CandleSeries, now: number, windowMs: number, barMs: number): CandleSeries {
  let from = 0;
  while (from < candles.length && (candles.time[from] as number) < now - windowMs) from++;
  let to = from;
  while (to < candles.length && (candles.time[to] as number) + barMs <= now) to++;
  const cut = (values: Float64Array) => values.slice(from, to);
  return {
    ...candles,
    time: cut(candles.time),
    open: cut(candles.open),
    high: cut(candles.high),
    low: cut(candles.low),
    close: cut(candles.close),
    volume: cut(candles.volume),
    length: to - from,
  };
}

export class RetrainSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetrainSkipped";
  }
}

/**
 * Trains and judges a candidate. `predictCurrent` scores the validation block with the model in use (same feature
 * list); it is a function so that the worker can pass a model it loaded itself.
 */
export function retrainModel(
  input: RetrainInput,
  predictCurrent?: (block: Float32Array, rows: number, columns: number) => ArrayLike<number>,
): RetrainOutcome {
  const barMs = inferBarMs(input.candles.time);
  const candles = closedBarsBefore(input.candles, input.now, input.windowMs, barMs);
  if (candles.length < 3) throw new RetrainSkipped(`only ${candles.length} closed bars before the retrain moment`);
  const matrix = buildFeatureMatrix(candles, {
    features: input.features,
    ...(input.context ? { context: input.context } : {}),
    barMs,
  });
  const labels = makeLabels(candles, input.label);
  const width = matrix.names.length;
  const usable: number[] = [];
  for (let row = matrix.validFrom; row < candles.length; row++) {
    if ((labels.end[row] as number) < 0) continue;
    const one = matrix.rowsBlock(Int32Array.of(row));
    if (!one.some((value) => Number.isNaN(value))) usable.push(row);
  }
  if (usable.length <= input.holdoutBars) {
    throw new RetrainSkipped(`${usable.length} labelled rows: not more than the ${input.holdoutBars} held out`);
  }
  const validation = Int32Array.from(usable.slice(-input.holdoutBars));
  const validationStart = validation[0] as number;
  const embargo = input.label.horizon;
  // Purge: a training label must end before the validation window starts, with the embargo in between.
  const train = Int32Array.from(usable.filter((row) => (labels.end[row] as number) < validationStart - embargo));
  const minTrain = input.minTrainRows ?? 200;
  if (train.length < minTrain)
    throw new RetrainSkipped(`${train.length} training rows after the purge (< ${minTrain})`);
  const y = (rows: Int32Array) => Float32Array.from(rows, (row) => labels.value[row] as number);
  const trainBlock = matrix.rowsBlock(train);
  const model = EnsembleModel.train(
    { data: trainBlock, rows: train.length, columns: width },
    y(train),
    input.parameters,
  );
  const validationBlock = matrix.rowsBlock(validation);
  const truth = Float64Array.from(validation, (row) => labels.value[row] as number);
  const candidate = classificationMetrics(
    model.predict({ data: validationBlock, rows: validation.length, columns: width }).ensemble,
    truth,
  );
  const current = predictCurrent
    ? classificationMetrics(Float64Array.from(predictCurrent(validationBlock, validation.length, width)), truth)
    : undefined;
  const tolerance = input.tolerance ?? 0;
  const bar = current ? current.logLoss + tolerance : Math.LN2 + tolerance;
  const accepted = Number.isFinite(candidate.logLoss) && candidate.logLoss <= bar;
  const against = current ? `current ${current.logLoss.toFixed(4)}` : `ln 2 = ${Math.LN2.toFixed(4)}`;
  const reason = `validation log-loss ${candidate.logLoss.toFixed(4)} ${accepted ? "≤" : ">"} ${against}${tolerance ? ` + ${tolerance}` : ""}`;
  const time = (row: number) => candles.time[row] as number;
  return {
    model,
    barMs,
    candidate,
    ...(current ? { current } : {}),
    accepted,
    reason,
    trainRange: { from: time(train[0] as number), to: time(train[train.length - 1] as number), rows: train.length },
    validationRange: {
      from: time(validationStart),
      to: time(validation[validation.length - 1] as number),
      rows: validation.length,
    },
    lastBarUsed: time(candles.length - 1),
    inSample: classificationMetrics(
      model.predict({ data: trainBlock, rows: train.length, columns: width }).ensemble,
      y(train),
    ),
    topFeatures: model.topFeatures(matrix.names),
  };
}
