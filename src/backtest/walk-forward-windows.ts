export type WalkForwardMode = "rolling" | "anchored";

export interface WindowPlan {
  /** rolling: the training window slides with a fixed length; anchored: it always starts at bar 0 and grows. */
  readonly mode: WalkForwardMode;
  readonly trainBars: number;
  readonly testBars: number;
  /** Bars between consecutive windows; default `testBars` (test windows tile the data without overlap). */
  readonly stepBars?: number;
}

/** Bar indices of one walk-forward window, each range [start, end). `trainEnd === testStart` always. */
export interface WindowBounds {
  readonly index: number;
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
}

/**
 * The windows of a walk-forward over `length` bars: window k trains on [trainStart, trainEnd) and tests on the
 * `testBars` bars right after; the next window moves `stepBars` later. Only whole test windows are made: bars after
 * the last whole one are left out. Throws naming the option when a size is not a whole number >= 1, when
 * `stepBars < testBars` (test windows would overlap and the stitched out-of-sample curve count bars twice), or when
 * there are too few bars for one window.
 */
export function walkForwardWindows(length: number, plan: WindowPlan): WindowBounds[] {
  const { mode, trainBars, testBars } = plan;
  const stepBars = plan.stepBars ?? testBars;
  if (mode !== "rolling" && mode !== "anchored")
    throw new RangeError(`mode must be "rolling" or "anchored", got ${String(mode)}`);
  for (const [name, value] of [
    ["trainBars", trainBars],
    ["testBars", testBars],
    ["stepBars", stepBars],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name} must be a whole number >= 1, got ${value}`);
  }
  if (stepBars < testBars) {
    throw new RangeError(
      `stepBars (${stepBars}) must be >= testBars (${testBars}): overlapping test windows would count bars twice`,
    );
  }
  if (trainBars + testBars > length) {
    throw new RangeError(
      `a walk-forward with trainBars ${trainBars} + testBars ${testBars} needs that many bars; the series has ${length}`,
    );
  }
  const windows: WindowBounds[] = [];
  for (let k = 0; ; k++) {
    const trainEnd = trainBars + k * stepBars;
    const testEnd = trainEnd + testBars;
    if (testEnd > length) break;
    const trainStart = mode === "rolling" ? trainEnd - trainBars : 0;
    windows.push({ index: k, trainStart, trainEnd, testStart: trainEnd, testEnd });
  }
  return windows;
}
