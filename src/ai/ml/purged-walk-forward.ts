/**
 * Walk-forward folds for supervised learning with a purge and an embargo (López de Prado, "Advances in Financial
 * Machine Learning", ch. 7). Test windows are consecutive and cover the out-of-sample period once; each fold
 * trains only on rows before its test window whose labels were decided before the test window starts, minus an
 * embargo gap, so no training label overlaps the test period and serially correlated rows next to it are dropped.
 */

export interface WalkForwardFold {
  readonly index: number;
  /** Training rows, ascending. */
  readonly train: Int32Array;
  /** Test rows [testStart, testEnd). */
  readonly testStart: number;
  readonly testEnd: number;
  /** Rows dropped from training because their label reached into [testStart - embargo, …). */
  readonly purged: number;
}

export interface WalkForwardSplitOptions {
  /** First usable row (the feature matrix's validFrom). */
  readonly start: number;
  /** One past the last row (the number of rows). */
  readonly end: number;
  /** Rows in each test window. */
  readonly testSize: number;
  /** Minimum training rows before the first test window. */
  readonly minTrainSize: number;
  /** Keep only the latest `maxTrainSize` training rows (rolling window); default: all of them (expanding window). */
  readonly maxTrainSize?: number;
  /** Bars between the last training label and the test window; default 0. */
  readonly embargo?: number;
  /** Last bar each row's label read (Labels.end); -1 marks a row without a label, never used for training. */
  readonly labelEnd: Int32Array;
}

function positiveInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}

/** The folds in time order; none when the data are too short for one training set and one test window. */
export function purgedWalkForward(options: WalkForwardSplitOptions): WalkForwardFold[] {
  const { start, end, testSize, minTrainSize, labelEnd } = options;
  const embargo = options.embargo ?? 0;
  positiveInteger("testSize", testSize, 1);
  positiveInteger("minTrainSize", minTrainSize, 1);
  positiveInteger("embargo", embargo, 0);
  if (options.maxTrainSize !== undefined) positiveInteger("maxTrainSize", options.maxTrainSize, minTrainSize);
  if (labelEnd.length < end) throw new RangeError(`labelEnd has ${labelEnd.length} rows, expected at least ${end}`);
  const trainable = (testStart: number) => {
    const rows: number[] = [];
    let purged = 0;
    for (let i = start; i < testStart; i++) {
      const last = labelEnd[i] as number;
      if (last < 0) continue;
      if (last >= testStart - embargo) purged++;
      else rows.push(i);
    }
    return { rows, purged };
  };
  // The first test window opens at the first bar with minTrainSize rows left after the purge.
  let first = start + minTrainSize;
  while (first < end && countLabelledBefore(labelEnd, start, first - embargo) < minTrainSize) first++;
  const folds: WalkForwardFold[] = [];
  for (let testStart = first; testStart < end; testStart += testSize) {
    const { rows, purged } = trainable(testStart);
    const kept = options.maxTrainSize === undefined ? rows : rows.slice(-options.maxTrainSize);
    if (kept.length < minTrainSize) continue;
    folds.push({
      index: folds.length,
      train: Int32Array.from(kept),
      testStart,
      testEnd: Math.min(end, testStart + testSize),
      purged,
    });
  }
  return folds;
}

/** Rows from `start` whose label was decided before `cutoff` (labels end in increasing order in practice). */
function countLabelledBefore(labelEnd: Int32Array, start: number, cutoff: number): number {
  let count = 0;
  for (let i = start; i < cutoff; i++) {
    const last = labelEnd[i] as number;
    if (last >= 0 && last < cutoff) count++;
  }
  return count;
}
