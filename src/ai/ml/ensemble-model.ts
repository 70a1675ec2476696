/**
 * AI Trading System's ML layer: a random forest and a gradient-boosted model, both XGBoost (the forest is one
 * round of `num_parallel_tree` bagged trees with row and column subsampling), and their ensemble, which averages
 * the two probabilities that the label is 1 (price up over the horizon).
 */
import { Booster, type DenseMatrix } from "./xgboost-native.js";

export interface BoostingParameters {
  readonly rounds: number;
  readonly maxDepth: number;
  readonly learningRate: number;
  readonly subsample: number;
  readonly columnSample: number;
  readonly minChildWeight: number;
}

export interface ForestParameters {
  readonly trees: number;
  readonly maxDepth: number;
  /** Rows per tree (bootstrap-like; XGBoost samples without replacement). */
  readonly subsample: number;
  /** Columns tried per split, the forest's decorrelation. */
  readonly columnSamplePerSplit: number;
  readonly minChildWeight: number;
}

export interface EnsembleParameters {
  readonly seed: number;
  /** XGBoost threads; 1 keeps runs reproducible bit for bit and leaves the second core to others. */
  readonly threads: number;
  readonly boosting: BoostingParameters;
  readonly forest: ForestParameters;
}

/** Conservative defaults for noisy hourly returns: shallow trees, slow learning, large leaves. */
export const DEFAULT_ENSEMBLE_PARAMETERS: EnsembleParameters = {
  seed: 42,
  threads: 1,
  boosting: { rounds: 150, maxDepth: 3, learningRate: 0.05, subsample: 0.8, columnSample: 0.8, minChildWeight: 20 },
  forest: { trees: 100, maxDepth: 6, subsample: 0.632, columnSamplePerSplit: 0.5, minChildWeight: 20 },
};

function common(parameters: EnsembleParameters): Record<string, string | number> {
  return {
    objective: "binary:logistic",
    eval_metric: "logloss",
    tree_method: "hist",
    seed: parameters.seed,
    nthread: parameters.threads,
    verbosity: 0,
  };
}

export interface EnsemblePrediction {
  readonly ensemble: Float32Array;
  readonly boosting: Float32Array;
  readonly forest: Float32Array;
}

export class EnsembleModel {
  constructor(
    readonly boosting: Booster,
    readonly forest: Booster,
  ) {}

  /** Trains both models on the same rows; `labels` are 0/1. */
  static train(matrix: DenseMatrix, labels: Float32Array, parameters: EnsembleParameters): EnsembleModel {
    const b = parameters.boosting;
    const f = parameters.forest;
    const boosting = Booster.train(
      matrix,
      labels,
      {
        ...common(parameters),
        max_depth: b.maxDepth,
        eta: b.learningRate,
        subsample: b.subsample,
        colsample_bytree: b.columnSample,
        min_child_weight: b.minChildWeight,
      },
      b.rounds,
    );
    const forest = Booster.train(
      matrix,
      labels,
      {
        ...common(parameters),
        num_parallel_tree: f.trees,
        max_depth: f.maxDepth,
        eta: 1,
        subsample: f.subsample,
        colsample_bynode: f.columnSamplePerSplit,
        min_child_weight: f.minChildWeight,
      },
      1,
    );
    return new EnsembleModel(boosting, forest);
  }

  predict(matrix: DenseMatrix): EnsemblePrediction {
    const boosting = this.boosting.predict(matrix);
    const forest = this.forest.predict(matrix);
    const ensemble = new Float32Array(boosting.length);
    for (let i = 0; i < ensemble.length; i++) ensemble[i] = ((boosting[i] as number) + (forest[i] as number)) / 2;
    return { ensemble, boosting, forest };
  }

  /**
   * Gain importance of the boosted model, highest first (the forest's splits are random by design, so its gain
   * says less). Features never split on are left out.
   */
  topFeatures(names: readonly string[], count = 10): { feature: string; gain: number }[] {
    return [...this.boosting.importance(names, "gain")]
      .map(([feature, gain]) => ({ feature, gain }))
      .sort((a, b) => b.gain - a.gain)
      .slice(0, count);
  }

  dispose(): void {
    this.boosting.dispose();
    this.forest.dispose();
  }
}
