import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_ENSEMBLE_PARAMETERS, EnsembleModel, type EnsembleParameters } from "./ensemble-model.js";
import { loadModel, ModelFileError, readModelMetadata, saveModel } from "./model-file.js";
import { xgboostPresent } from "./testing.js";
import type { DenseMatrix } from "./xgboost-native.js";

const SMALL: EnsembleParameters = {
  ...DEFAULT_ENSEMBLE_PARAMETERS,
  boosting: { ...DEFAULT_ENSEMBLE_PARAMETERS.boosting, rounds: 30, minChildWeight: 1 },
  forest: { ...DEFAULT_ENSEMBLE_PARAMETERS.forest, trees: 20, minChildWeight: 1 },
};

/** 2,000 rows × 5 columns; the label is 1 when x0 + x1 > 1, the other columns are noise. */
function learnable(rows = 2000, seed = 3): { matrix: DenseMatrix; labels: Float32Array } {
  let state = seed;
  const random = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  const data = new Float32Array(rows * 5);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 5; c++) data[r * 5 + c] = random();
    labels[r] = (data[r * 5] as number) + (data[r * 5 + 1] as number) > 1 ? 1 : 0;
  }
  return { matrix: { data, rows, columns: 5 }, labels };
}

const NAMES = ["rsi", "adx", "bb_width", "volume_ratio", "momentum_5"] as const;
const dir = mkdtempSync(join(tmpdir(), "aegis-ml-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function metadataFor(rows: number) {
  return {
    features: [...NAMES],
    label: { kind: "forward-return" as const, horizon: 4, threshold: 0 },
    symbol: "TEST/USDT",
    barMs: 3_600_000,
    dataRange: { from: 0, to: 1, fromIso: "1970-01-01T00:00:00.000Z", toIso: "1970-01-01T00:00:00.001Z", rows },
    parameters: SMALL,
    metrics: { topFeatures: [] },
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

describe.skipIf(!xgboostPresent())("EnsembleModel (XGBoost through koffi)", () => {
  const { matrix, labels } = learnable();

  it("learns a learnable rule: both models and their average separate the classes (AUC-like check)", () => {
    const model = EnsembleModel.train(matrix, labels, SMALL);
    const { ensemble, boosting, forest } = model.predict(matrix);
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      if ((ensemble[i] as number) >= 0.5 === (labels[i] === 1)) correct++;
      expect(ensemble[i]).toBeCloseTo(((boosting[i] as number) + (forest[i] as number)) / 2, 6);
    }
    expect(correct / labels.length).toBeGreaterThan(0.9);
    expect(
      model
        .topFeatures([...NAMES])
        .slice(0, 2)
        .map((f) => f.feature)
        .sort(),
    ).toEqual(["adx", "rsi"]);
    model.dispose();
  });

  it("is deterministic: the same seed gives the same probabilities bit for bit", () => {
    const a = EnsembleModel.train(matrix, labels, SMALL);
    const b = EnsembleModel.train(matrix, labels, SMALL);
    expect(Array.from(a.predict(matrix).ensemble)).toEqual(Array.from(b.predict(matrix).ensemble));
    a.dispose();
    b.dispose();
  });

  it("saves and loads a model with its metadata; the loaded model predicts the same", () => {
    const model = EnsembleModel.train(matrix, labels, SMALL);
    const path = saveModel(dir, "roundtrip", model, metadataFor(matrix.rows));
    const loaded = loadModel(path, [...NAMES]);
    expect(loaded.metadata.featurePipelineVersion).toBe("1");
    expect(loaded.metadata.features).toEqual([...NAMES]);
    expect(Array.from(loaded.model.predict(matrix).ensemble)).toEqual(Array.from(model.predict(matrix).ensemble));
    model.dispose();
    loaded.model.dispose();
  });

  it("refuses a model built for another feature list, another pipeline version or without its XGBoost file", () => {
    const model = EnsembleModel.train(matrix, labels, SMALL);
    const path = saveModel(dir, "checks", model, metadataFor(matrix.rows));
    model.dispose();
    expect(() => loadModel(path, ["rsi", "adx"])).toThrow(ModelFileError);
    expect(() => loadModel(path, ["rsi", "adx"])).toThrow(/trained on features \[rsi, adx, bb_width/);
    const meta = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify({ ...meta, featurePipelineVersion: "0" }));
    expect(() => readModelMetadata(path)).toThrow(/feature pipeline version 0, this Aegis computes version 1/);
    writeFileSync(path, JSON.stringify({ ...meta, features: ["rsi", "moon_phase"] }));
    expect(() => readModelMetadata(path)).toThrow(/does not know: moon_phase/);
    writeFileSync(path, JSON.stringify({ ...meta, features: ["rsi", "adx"] }));
    expect(() => loadModel(path)).toThrow(/reads 5 features, but .* lists 2/);
    writeFileSync(path, JSON.stringify({ ...meta, files: { ...meta.files, forest: "gone.json" } }));
    expect(() => loadModel(path)).toThrow(/names gone.json, which is not beside it/);
    expect(() => loadModel(join(dir, "absent.model.json"))).toThrow(/does not exist/);
  });
});
