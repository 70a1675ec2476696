/** A training run's metrics.json as `aegis train ml --out` writes it, for the model panel's tests. */
const metrics = (accuracy: number, auc: number | null) => ({
  accuracy,
  precision: 0.5,
  recall: 0.4,
  logLoss: 0.69,
  auc,
  brier: 0.25,
  baseRate: 0.51,
  rows: 1000,
  skipped: 0,
  calibration: [{ from: 0.4, to: 0.6, count: 1000, meanPredicted: 0.5, observedRate: 0.52 }],
});

/** What `aegis train ml --out` writes as metrics.json (trimmed to the fields the panel reads, plus extras). */
export const trainingRun = (symbol: string, permutationBaseline: boolean) => ({
  symbol,
  features: ["rsi", "atr_ratio", "momentum_5"],
  featurePipelineVersion: "3",
  label: { kind: "forward-return", horizon: 4, threshold: 0 },
  permutationBaseline,
  outOfSample: metrics(0.53, 0.55),
  abstainedRows: 12,
  topFeatures: [
    { feature: "atr_ratio", gain: 3.1 },
    { feature: "rsi", gain: 2.2 },
  ],
  folds: [
    {
      index: 0,
      trainRows: 8000,
      purged: 4,
      trainFrom: 0,
      trainTo: 1,
      testFrom: 2,
      testTo: 3,
      abstained: 0,
      metrics: metrics(0.52, 0.54),
    },
  ],
  finalModel: "final.model.json",
});
