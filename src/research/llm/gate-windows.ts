import { type CandleSeries, lowerBound, sliceSeries } from "../../domain/candles.js";
import { timeframeMs } from "../../domain/timeframe.js";

/**
 * The bars a debate may use, cut once before it starts. Selection (the numbers the architect sees and revises
 * against) uses only [0, searchEnd); the holdout [searchEnd, holdoutEnd) is traded once per spec that survived
 * selection, and its numbers are never sent back to a model. Bars at or after `holdoutEnd` (after --cut) are not
 * in `series` at all.
 */
export interface GateWindows {
  readonly series: CandleSeries;
  readonly searchEnd: number;
  readonly holdoutEnd: number;
  readonly periodsPerYear: number;
}

export interface SplitOptions {
  /** Share of the bars before the cut kept out of selection for the holdout gates (default 0.2). */
  readonly holdoutShare?: number;
  /** Bars at or after this time (Unix ms) are dropped before anything runs. */
  readonly cut?: number;
}

export const MIN_SEARCH_BARS = 1_000;
export const MIN_HOLDOUT_BARS = 200;

export function splitWindows(series: CandleSeries, options: SplitOptions = {}): GateWindows {
  const holdoutShare = options.holdoutShare ?? 0.2;
  if (!(holdoutShare > 0 && holdoutShare < 0.9))
    throw new RangeError(`the holdout share must be in (0, 0.9), got ${holdoutShare}`);
  const end = options.cut === undefined ? series.length : lowerBound(series, options.cut);
  const searchEnd = Math.floor(end * (1 - holdoutShare));
  if (searchEnd < MIN_SEARCH_BARS)
    throw new RangeError(`only ${searchEnd} bars before the holdout; the gates need at least ${MIN_SEARCH_BARS}`);
  if (end - searchEnd < MIN_HOLDOUT_BARS)
    throw new RangeError(`only ${end - searchEnd} holdout bars; the gates need at least ${MIN_HOLDOUT_BARS}`);
  const barMs = series.timeframe ? timeframeMs(series.timeframe) : medianSpacing(series);
  return {
    series: sliceSeries(series, 0, end),
    searchEnd,
    holdoutEnd: end,
    periodsPerYear: (365 * 86_400_000) / barMs,
  };
}

function medianSpacing(series: CandleSeries): number {
  const steps: number[] = [];
  for (let i = 1; i < Math.min(series.length, 1_001); i++)
    steps.push((series.time[i] as number) - (series.time[i - 1] as number));
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 3_600_000;
}

/** Open time of bar `i` (clamped to the series). */
export function timeAt(windows: GateWindows, i: number): number {
  const { series } = windows;
  return series.time[Math.max(0, Math.min(i, series.length - 1))] as number;
}
