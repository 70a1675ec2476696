import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { SeriesReader, type StrategySignal } from "../../strategy/strategy.js";
import { buildFeatureMatrix } from "../features/feature-matrix.js";
import { DEFAULT_ENSEMBLE_PARAMETERS, type EnsembleParameters } from "./ensemble-model.js";
import { loadMlStrategy, voteFromProbability } from "./ml-strategy.js";
import { loadModel } from "./model-file.js";
import { hourlyCandles, xgboostPresent } from "./testing.js";
import { trainWalkForward } from "./train-walk-forward.js";

const SMALL: EnsembleParameters = {
  ...DEFAULT_ENSEMBLE_PARAMETERS,
  boosting: { ...DEFAULT_ENSEMBLE_PARAMETERS.boosting, rounds: 20 },
  forest: { ...DEFAULT_ENSEMBLE_PARAMETERS.forest, trees: 10 },
};
const LABEL = { kind: "forward-return", horizon: 4, threshold: 0 } as const;
const dir = mkdtempSync(join(tmpdir(), "aegis-ml-train-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!xgboostPresent())("trainWalkForward", () => {
  const candles = hourlyCandles(3000);
  const result = trainWalkForward({
    candles,
    label: LABEL,
    testSize: 500,
    minTrainSize: 1000,
    parameters: SMALL,
    outDir: dir,
    now: () => new Date("2026-01-01T00:00:00Z"),
  });

  it("predicts only after the first training set, in consecutive test windows, never on a training row", () => {
    const firstTest = result.folds[0]?.testFrom as number;
    const firstIndex = candles.time.indexOf(firstTest);
    expect(firstIndex).toBeGreaterThanOrEqual(result.matrix.validFrom + 1000);
    for (let i = 0; i < firstIndex; i++) expect(result.probability[i]).toBeNaN();
    expect(result.folds.length).toBe(4);
    for (const fold of result.folds) expect(fold.trainTo).toBeLessThan(fold.testFrom - LABEL.horizon * 3_600_000);
  });

  it("gives no vote on rows with a NaN feature and counts them (the random walk's zero-volume stretches)", () => {
    expect(result.abstained).toBeGreaterThan(0);
    const volumeRatio = result.matrix.column("volume_ratio");
    for (let i = 0; i < candles.length; i++) {
      if (Number.isNaN(volumeRatio[i] as number)) expect(result.probability[i]).toBeNaN();
    }
  });

  it("writes a model per fold, a final model and a metrics JSON with the out-of-sample figures", () => {
    for (const fold of result.folds) expect(existsSync(fold.modelFile as string)).toBe(true);
    const metrics = JSON.parse(readFileSync(result.metricsFile as string, "utf8"));
    expect(metrics.outOfSample.rows).toBe(result.outOfSample.rows);
    expect(metrics.outOfSample.calibration).toHaveLength(10);
    expect(metrics.features).toEqual(result.matrix.names);
    const final = loadModel(result.finalModelFile as string, result.matrix.names);
    expect(final.metadata.dataRange.rows).toBeGreaterThan(2500);
    expect(final.metadata.metrics.topFeatures.length).toBeGreaterThan(0);
    final.model.dispose();
  });

  it("trains the permutation baseline on shuffled labels: same folds, other predictions", () => {
    const baseline = trainWalkForward({
      candles,
      label: LABEL,
      testSize: 500,
      minTrainSize: 1000,
      parameters: SMALL,
      shuffleLabelsSeed: 1,
    });
    expect(baseline.folds.map((f) => f.testFrom)).toEqual(result.folds.map((f) => f.testFrom));
    const i = candles.time.indexOf(result.folds[0]?.testFrom as number);
    expect(baseline.probability[i]).not.toBe(result.probability[i]);
  });

  it("the ml: strategy votes bar by bar exactly as the batch prediction over the whole history", () => {
    const strategy = loadMlStrategy(`ml:${result.finalModelFile}?buy=0.52&sell=0.48`);
    const cursor = { index: -1 };
    const onBar = strategy.init({
      symbol: candles.symbol,
      timeframe: undefined,
      price: (field) => new SeriesReader({ values: candles[field as "close"] }, cursor),
      indicator: () => {
        throw new Error("not used");
      },
    });
    const final = loadModel(result.finalModelFile as string);
    const matrix = buildFeatureMatrix(candles, { features: final.metadata.features });
    const bars = 3000; // past validFrom and through five zero-volume stretches
    const batch = final.model.predict({
      data: matrix.rowsBlock(Int32Array.from({ length: bars }, (_, i) => i)),
      rows: bars,
      columns: matrix.names.length,
    });
    let votes = 0;
    let nanRows = 0;
    for (let i = 0; i < bars; i++) {
      cursor.index = i;
      const signal: StrategySignal | undefined = onBar({
        index: i,
        time: candles.time[i] as number,
        position: { quantity: 0, entryPrice: 0, barsHeld: -1 },
      });
      const row = matrix.row(i);
      if (i >= matrix.validFrom && row.some(Number.isNaN)) nanRows++;
      const expected =
        i < matrix.validFrom || row.some(Number.isNaN)
          ? undefined
          : voteFromProbability(batch.ensemble[i] as number, 0.52, 0.48);
      expect(signal?.action).toBe(expected?.action);
      if (expected) expect(signal?.confidence).toBeCloseTo(expected.confidence as number, 5);
      if (signal) votes++;
    }
    expect(votes).toBeGreaterThan(100);
    expect(strategy.abstentions.get("warm-up")).toBe(matrix.validFrom);
    const nanAbstentions = [...strategy.abstentions].filter(([reason]) => / is NaN$/.test(reason));
    expect(nanRows).toBeGreaterThan(0);
    expect(nanAbstentions.reduce((sum, [, count]) => sum + count, 0)).toBe(nanRows);
    final.model.dispose();
  });

  it("runs in the backtest engine", () => {
    const strategy = loadMlStrategy(`ml:${result.finalModelFile}?buy=0.52&sell=0.48`);
    const series = hourlyCandles(1500);
    const backtest = runBacktest({ feeds: [{ series, strategy }], cash: 10_000, fee: 0.001 });
    expect(backtest.trades.length).toBeGreaterThan(0);
  });

  it("refuses bad thresholds and a missing model file with a plain message", () => {
    expect(() => loadMlStrategy(`ml:${result.finalModelFile}?buy=0.4&sell=0.6`)).toThrow(/sellBelow < buyAbove/);
    expect(() => loadMlStrategy(`ml:${result.finalModelFile}?buy=abc`)).toThrow(/buy=abc is not a number/);
    expect(() => loadMlStrategy("ml:nowhere.model.json")).toThrow(/does not exist/);
  });
});
