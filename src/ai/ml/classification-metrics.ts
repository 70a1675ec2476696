/**
 * Metrics of a probabilistic binary classifier: what the dashboard's "ML metrics" panel shows. Rows whose
 * probability or label is NaN (no vote, no label) are left out and counted.
 */

export interface ReliabilityBin {
  /** Probability range [from, to). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Mean predicted probability in the bin (null when empty). */
  readonly meanPredicted: number | null;
  /** Share of label 1 in the bin (null when empty). */
  readonly observedRate: number | null;
}

export interface ClassificationMetrics {
  readonly rows: number;
  /** Rows left out because the prediction or the label was NaN. */
  readonly skipped: number;
  /** Share of label 1: the accuracy of always answering the majority is max(baseRate, 1 - baseRate). */
  readonly baseRate: number;
  /** At a 0.5 cut. */
  readonly accuracy: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly logLoss: number;
  /** Area under the ROC curve (ties counted half); null with a single class. */
  readonly auc: number | null;
  readonly brier: number;
  readonly calibration: readonly ReliabilityBin[];
}

const EPSILON = 1e-15;

/** Rank-based AUC (Mann–Whitney U), with average ranks for ties. */
export function areaUnderRoc(probability: ArrayLike<number>, label: ArrayLike<number>): number | null {
  const order = Array.from({ length: probability.length }, (_, i) => i).sort(
    (a, b) => (probability[a] as number) - (probability[b] as number),
  );
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && probability[order[end + 1] as number] === probability[order[start] as number])
      end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (label[order[k] as number] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function classificationMetrics(
  probability: ArrayLike<number>,
  label: ArrayLike<number>,
  bins = 10,
): ClassificationMetrics {
  if (probability.length !== label.length) {
    throw new RangeError(`${probability.length} probabilities for ${label.length} labels`);
  }
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < probability.length; i++) {
    const pi = probability[i] as number;
    const yi = label[i] as number;
    if (Number.isNaN(pi) || Number.isNaN(yi)) continue;
    p.push(pi);
    y.push(yi);
  }
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  let correct = 0;
  let positives = 0;
  let logLoss = 0;
  let brier = 0;
  const binCount = new Array<number>(bins).fill(0);
  const binPredicted = new Array<number>(bins).fill(0);
  const binObserved = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const yi = y[i] as number;
    const predicted = pi >= 0.5 ? 1 : 0;
    if (predicted === yi) correct++;
    if (predicted === 1 && yi === 1) truePositive++;
    if (predicted === 1 && yi === 0) falsePositive++;
    if (predicted === 0 && yi === 1) falseNegative++;
    positives += yi;
    const clipped = Math.min(1 - EPSILON, Math.max(EPSILON, pi));
    logLoss -= yi * Math.log(clipped) + (1 - yi) * Math.log(1 - clipped);
    brier += (pi - yi) ** 2;
    const bin = Math.min(bins - 1, Math.floor(pi * bins));
    binCount[bin] = (binCount[bin] as number) + 1;
    binPredicted[bin] = (binPredicted[bin] as number) + pi;
    binObserved[bin] = (binObserved[bin] as number) + yi;
  }
  const n = p.length;
  return {
    rows: n,
    skipped: probability.length - n,
    baseRate: n > 0 ? positives / n : Number.NaN,
    accuracy: n > 0 ? correct / n : Number.NaN,
    precision: truePositive + falsePositive > 0 ? truePositive / (truePositive + falsePositive) : null,
    recall: truePositive + falseNegative > 0 ? truePositive / (truePositive + falseNegative) : null,
    logLoss: n > 0 ? logLoss / n : Number.NaN,
    auc: areaUnderRoc(p, y),
    brier: n > 0 ? brier / n : Number.NaN,
    calibration: binCount.map((count, b) => ({
      from: b / bins,
      to: (b + 1) / bins,
      count,
      meanPredicted: count > 0 ? (binPredicted[b] as number) / count : null,
      observedRate: count > 0 ? (binObserved[b] as number) / count : null,
    })),
  };
}
