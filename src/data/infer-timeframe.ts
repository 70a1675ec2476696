import type { CandleSeries } from "../domain/candles.js";
import { TIMEFRAMES, type Timeframe } from "../domain/timeframe.js";

/** The most common positive step between consecutive times: its length, how often it occurs, out of how many. */
export interface StepStats {
  readonly stepMs: number;
  readonly count: number;
  readonly steps: number;
}

/**
 * The most common positive step between consecutive entries of `time` (ties go to the shorter step);
 * undefined when there is no positive step. Zero and negative steps (duplicates, disorder) are not counted.
 */
export function mostCommonStep(time: ArrayLike<number>): StepStats | undefined {
  const counts = new Map<number, number>();
  let steps = 0;
  for (let i = 1; i < time.length; i++) {
    const step = (time[i] as number) - (time[i - 1] as number);
    if (!(step > 0)) continue;
    steps++;
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best: StepStats | undefined;
  for (const [stepMs, count] of counts) {
    if (best === undefined || count > best.count || (count === best.count && stepMs < best.stepMs)) {
      best = { stepMs, count, steps };
    }
  }
  return best;
}

/** The timeframe whose bar lasts exactly `ms`, if Aegis has one. */
export function timeframeOfMs(ms: number): Timeframe | undefined {
  for (const [name, length] of Object.entries(TIMEFRAMES)) {
    if (length === ms) return name as Timeframe;
  }
  return undefined;
}

/**
 * The timeframe of a series read from its most common step between bars, so maintenance gaps and weekends do not
 * mislead it; undefined when the series has fewer than two bars or the step is not a known timeframe.
 */
export function inferTimeframe(series: CandleSeries): Timeframe | undefined {
  const stats = mostCommonStep(series.time);
  return stats === undefined ? undefined : timeframeOfMs(stats.stepMs);
}

/** A step as a reader would say it: 3600000 → "1h", 5400000 → "90m", 1500 → "1500 ms". */
export function formatDuration(ms: number): string {
  const named = timeframeOfMs(ms);
  if (named !== undefined) return named;
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms} ms`;
}
