import type { MetricKey, Metrics } from "./metrics/index.js";

/** What overfitting statistics need of a walk-forward window. */
export interface WindowOutcome {
  readonly params: Readonly<Record<string, number>>;
  readonly inSampleObjective: number | null;
  readonly outOfSampleObjective: number | null;
  readonly outOfSample: Metrics;
}

export interface OverfittingStats {
  readonly objective: MetricKey;
  /** Means over the windows where both the in-sample and the out-of-sample objective are defined. */
  readonly meanInSample: number | null;
  readonly meanOutOfSample: number | null;
  readonly pairedWindows: number;
  /** Walk-forward efficiency: meanOutOfSample / meanInSample; null unless meanInSample > 0. */
  readonly efficiency: number | null;
  /** Share of windows whose out-of-sample total return is > 0. */
  readonly positiveOutOfSampleShare: number | null;
  /** Windows whose chosen parameters differ from the previous window's (high = unstable optimum). */
  readonly parameterChanges: number;
}

/** Mean in-sample vs out-of-sample objective, their ratio, the share of profitable test windows. */
export function overfittingStats(windows: readonly WindowOutcome[], objective: MetricKey): OverfittingStats {
  let sumIn = 0;
  let sumOut = 0;
  let paired = 0;
  let positive = 0;
  let changes = 0;
  windows.forEach((w, i) => {
    if (w.inSampleObjective !== null && w.outOfSampleObjective !== null) {
      sumIn += w.inSampleObjective;
      sumOut += w.outOfSampleObjective;
      paired++;
    }
    if ((w.outOfSample.totalReturn ?? 0) > 0) positive++;
    if (i > 0 && JSON.stringify(w.params) !== JSON.stringify(windows[i - 1]?.params)) changes++;
  });
  const meanInSample = paired > 0 ? sumIn / paired : null;
  const meanOutOfSample = paired > 0 ? sumOut / paired : null;
  return {
    objective,
    meanInSample,
    meanOutOfSample,
    pairedWindows: paired,
    efficiency:
      meanInSample !== null && meanOutOfSample !== null && meanInSample > 0 ? meanOutOfSample / meanInSample : null,
    positiveOutOfSampleShare: windows.length > 0 ? positive / windows.length : null,
    parameterChanges: changes,
  };
}
