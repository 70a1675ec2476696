import { UsageError } from "./usage-error.js";

/** From this many combinations on, `grid` times one run first and prints an estimate of the whole grid. */
export const GRID_ESTIMATE_FROM = 1_000;
/** Above this many combinations, `grid` starts only with `--yes`: hours of CPU should never start by a typo. */
export const GRID_CONFIRM_ABOVE = 10_000;

export interface GridSizeCheck {
  readonly combinations: number;
  readonly workers: number;
  /** Times one combination (ms); called only for grids of GRID_ESTIMATE_FROM combinations or more. */
  readonly timeOne: () => number;
  readonly yes: boolean;
}

/**
 * The line printed before a grid starts: the number of combinations, and for large grids an estimate from timed
 * first runs. First runs still pay for JIT compilation (on 20,000 bars they took about 5× the average run of the
 * grid), so the estimate errs long, and says so. Throws a UsageError above GRID_CONFIRM_ABOVE without `--yes`.
 */
export function checkGridSize(check: GridSizeCheck): string {
  const count = check.combinations.toLocaleString("en-US");
  if (check.combinations < GRID_ESTIMATE_FROM) return `grid: ${count} combination(s)`;
  const oneMs = check.timeOne();
  const totalMs = (oneMs * check.combinations) / Math.max(1, check.workers);
  const line =
    `grid: ${count} combinations; up to about ${formatDuration(totalMs)} on ${check.workers} worker(s) ` +
    `(a first run took ${oneMs.toFixed(0)} ms; later runs are usually faster)`;
  if (check.combinations > GRID_CONFIRM_ABOVE && !check.yes) {
    throw new UsageError(
      `${line}. Grids above ${GRID_CONFIRM_ABOVE.toLocaleString("en-US")} combinations start only with --yes; ` +
        "add it to run this one, or use coarser steps (fast=5:50:5)",
    );
  }
  return line;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${Math.max(1, seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.round(hours / 24)} days`;
}
