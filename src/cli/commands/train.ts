import { existsSync } from "node:fs";
import { type ContextSeries, inferBarMs } from "../../ai/features/feature-matrix.js";
import type { ContextFeature } from "../../ai/features/feature-names.js";
import { DEFAULT_ENSEMBLE_PARAMETERS } from "../../ai/ml/ensemble-model.js";
import type { LabelSpec } from "../../ai/ml/labels.js";
import { type Abstentions, loadMlStrategy } from "../../ai/ml/ml-strategy.js";
import { ModelFileError } from "../../ai/ml/model-file.js";
import type { RetrainSettingsInput } from "../../ai/ml/retrain/retrain-settings.js";
import {
  describeRetrainEvent,
  loadRetrainingMlStrategy,
  publishRetrainEvent,
  wantsRetraining,
} from "../../ai/ml/retrain/retraining-ml-strategy.js";
import { trainWalkForward } from "../../ai/ml/train-walk-forward.js";
import { XgboostUnavailableError } from "../../ai/ml/xgboost-native.js";
import { loadPointSeriesCsv } from "../../data/csv/point-series-csv.js";
import { loadFundingRates } from "../../data/funding/funding-rates.js";
import { lowerBound, sliceSeries } from "../../domain/candles.js";
import type { Strategy } from "../../strategy/strategy.js";
import { loadDataFiles } from "../load-data-files.js";
import { prepareOutputDir } from "../output-path.js";
import { numberOption, positive, positiveInteger, timeOption } from "../parse-options.js";
import { ProgressBar } from "../progress.js";
import { UsageError } from "../usage-error.js";

/**
 * `--strategy ml:<model.json>[?buy=…&sell=…&short=1]` for `aegis backtest` and `aegis trade`; a bad model or value is
 * a UsageError. `retrain`: the config's `trading.retrain` block (`aegis trade`), which retrains every ML strategy.
 */
export function mlStrategyOption(
  reference: string,
  retrain?: RetrainSettingsInput,
): Strategy & { readonly spec?: undefined; readonly abstentions: Abstentions } {
  try {
    // Retrain settings in the name's query or the config block: the model is retrained on schedule inside the
    // session (README.md, "Retraining in a session").
    if (retrain !== undefined || wantsRetraining(reference)) {
      const strategy = loadRetrainingMlStrategy(
        reference,
        (event) => {
          process.stderr.write(`[ml retrain] ${describeRetrainEvent(event)}\n`);
          publishRetrainEvent(event);
        },
        retrain,
      );
      const version = strategy.retrainer().version;
      // A restart says which model it resumed with, so a person can tell it from the file named on the command line.
      if (version > 0)
        process.stderr.write(`[ml retrain] resumed with model v${version}, the latest accepted in ${strategy.dir}\n`);
      return strategy;
    }
    return loadMlStrategy(reference);
  } catch (error) {
    if (error instanceof RangeError || error instanceof ModelFileError || error instanceof XgboostUnavailableError) {
      throw new UsageError(`--strategy ${reference}: ${error.message}`);
    }
    throw error;
  }
}

export interface TrainMlCliOptions {
  data?: string;
  from?: string;
  to?: string;
  horizon: string;
  label: string;
  barrier: string;
  testDays: string;
  trainDays: string;
  maxTrainDays?: string;
  funding?: string;
  fearGreed?: string;
  shuffleLabels?: string;
  seed: string;
  out: string;
  progress: boolean;
  json?: boolean;
}

function labelSpec(options: TrainMlCliOptions, horizon: number): LabelSpec {
  if (options.label === "forward") return { kind: "forward-return", horizon, threshold: 0 };
  if (options.label === "triple-barrier") {
    const barrier = numberOption("barrier", options.barrier, positive) as number;
    return { kind: "triple-barrier", horizon, upper: barrier, lower: barrier };
  }
  throw new UsageError(`--label ${JSON.stringify(options.label)}: expected forward or triple-barrier`);
}

async function contextSeries(options: TrainMlCliOptions): Promise<Partial<Record<ContextFeature, ContextSeries>>> {
  const context: Partial<Record<ContextFeature, ContextSeries>> = {};
  if (options.funding) {
    const funding = await loadFundingRates(options.funding);
    context.funding_rate = { known: funding.time, values: funding.rate };
  }
  if (options.fearGreed) {
    // alternative.me stamps each day's index at 00:00 UTC; counting it as known only at the end of that day is
    // the cautious reading (when it is published during the day is not recorded in the file).
    const index = await loadPointSeriesCsv(options.fearGreed, { column: "value", timestamps: "period-start" });
    context.fear_greed = { known: index.known, values: index.values };
  }
  return context;
}

/** `aegis train ml`: walk-forward training of the RF + XGBoost ensemble, fold models, final model and metrics. */
export async function trainMlCommand(options: TrainMlCliOptions): Promise<void> {
  if (!options.data) throw new UsageError("--data <file> is required (a candle CSV, CSV.gz or Parquet file)");
  if (!existsSync(options.data)) throw new UsageError(`--data ${options.data} does not exist`);
  const horizon = numberOption("horizon", options.horizon, positiveInteger) as number;
  const label = labelSpec(options, horizon);
  const seed = numberOption("seed", options.seed, (n) =>
    Number.isInteger(n) && n >= 0 ? undefined : "must be a whole number >= 0",
  ) as number;
  const days = (name: string, text: string | undefined) => numberOption(name, text, positiveInteger);
  const from = timeOption("from", options.from);
  const to = timeOption("to", options.to, "end-of-day");
  const warnings: string[] = [];
  const [loaded] = await loadDataFiles({ files: [options.data], symbols: [], policy: "reject", from, to }, warnings);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
  const candles =
    loaded &&
    sliceSeries(
      loaded,
      from === undefined ? 0 : lowerBound(loaded, from),
      to === undefined ? loaded.length : lowerBound(loaded, to + 1),
    );
  if (!candles || candles.length === 0) throw new UsageError(`--data ${options.data}: no bars in the range asked for`);
  const context = await contextSeries(options);
  prepareOutputDir("--out", options.out);
  const barsPerDay = Math.max(1, Math.round(86_400_000 / inferBarMs(candles.time)));
  const testDays = days("test-days", options.testDays) as number;
  const trainDays = days("train-days", options.trainDays) as number;
  const maxTrainDays = days("max-train-days", options.maxTrainDays);
  const shuffleSeed = numberOption("shuffle-labels", options.shuffleLabels, (n) =>
    Number.isInteger(n) && n >= 0 ? undefined : "must be a whole number >= 0 (the shuffle's seed)",
  );
  const progress = new ProgressBar("train ml", options.progress && !options.json);
  let result: ReturnType<typeof trainWalkForward>;
  try {
    result = trainWalkForward({
      candles,
      context,
      label,
      testSize: testDays * barsPerDay,
      minTrainSize: trainDays * barsPerDay,
      ...(maxTrainDays !== undefined ? { maxTrainSize: maxTrainDays * barsPerDay } : {}),
      parameters: { ...DEFAULT_ENSEMBLE_PARAMETERS, seed },
      ...(shuffleSeed !== undefined ? { shuffleLabelsSeed: shuffleSeed } : {}),
      outDir: options.out,
      onProgress: (done, total, detail) => progress.update(done, total, detail),
    });
  } catch (error) {
    if (error instanceof XgboostUnavailableError || error instanceof ModelFileError)
      throw new UsageError(error.message);
    throw error;
  } finally {
    progress.done();
  }
  if (result.folds.length === 0) {
    process.stderr.write(
      `warning: ${candles.length} bars are too few for ${trainDays} training days and one test window: only the final model was trained\n`,
    );
  }
  const m = result.outOfSample;
  const summary = {
    symbol: candles.symbol,
    bars: candles.length,
    folds: result.folds.length,
    outOfSampleRows: m.rows,
    abstained: result.abstained,
    accuracy: m.accuracy,
    baseRate: m.baseRate,
    auc: m.auc,
    logLoss: m.logLoss,
    topFeatures: result.topFeatures.slice(0, 5).map((f) => f.feature),
    finalModel: result.finalModelFile ?? null,
    metrics: result.metricsFile ?? null,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const pct = (x: number | null) => (x === null || Number.isNaN(x) ? "n/a" : `${(x * 100).toFixed(2)} %`);
  process.stdout.write(
    [
      `Aegis train ml — ${candles.symbol}, ${candles.length} bars, label ${label.kind} over ${horizon} bars`,
      `  walk-forward folds     ${result.folds.length} (retrained every ${testDays} days, purge + ${horizon}-bar embargo)`,
      `  out-of-sample rows     ${m.rows} (no vote on ${result.abstained} with a NaN feature)`,
      `  accuracy               ${pct(m.accuracy)} (share of up labels ${pct(m.baseRate)})`,
      `  AUC                    ${m.auc === null ? "n/a" : m.auc.toFixed(4)}`,
      `  log-loss               ${Number.isNaN(m.logLoss) ? "n/a" : m.logLoss.toFixed(4)}`,
      `  top features (gain)    ${summary.topFeatures.join(", ")}`,
      `  final model            ${summary.finalModel ?? "none"}`,
      `  metrics                ${summary.metrics ?? "none"}`,
      `  backtest it with       aegis backtest --data ${options.data} --strategy ml:${summary.finalModel ?? "<model>"}`,
      "",
    ].join("\n"),
  );
}
