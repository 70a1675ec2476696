import type { CandleSeries } from "../../domain/candles.js";
import type { Fill } from "../../domain/order.js";

export type PositionAtCrash = "long" | "short" | "flat";

export interface InjectionPoint {
  /** Index of the crash bar. */
  readonly index: number;
  /** The unstressed run's position when the crash bar opens (no fill happens at that open, by choice). */
  readonly position: PositionAtCrash;
  /** Why this bar: "long position (trade k of n)" or "evenly spaced (…)". */
  readonly chosenBecause: string;
}

export interface ChooseOptions {
  readonly series: CandleSeries;
  /** Fills of the unstressed run, in time order. */
  readonly fills: readonly Fill[];
  readonly count: number;
  /** First bar that may crash (after the strategy's warm-up). */
  readonly first: number;
  /** Last bar that may crash (so that the crash window fits in the series). */
  readonly last: number;
  /** Bars the crash window covers after the crash bar; points closer than this are spread apart when possible. */
  readonly windowBars: number;
}

/**
 * Chooses where to crash the market, from the run without a crash. A crash only tests a stop when a position is
 * open, and the flash crash hurts longs, so the points are bars where the unstressed run held a long position
 * from the previous close through the crash bar's open (no fill at that open, so the crashed run, identical up to
 * then, holds the same position):
 * 1. one bar per long holding period — the middle of it — spread evenly over the periods when there are more
 *    periods than points;
 * 2. when there are fewer periods than points, more bars inside them (evenly spaced by rank, at least a crash
 *    window away from the points already chosen when possible);
 * 3. when the strategy was not long often enough, evenly spaced bars over [first, last]: these test whether it
 *    buys into a crash, not its stop.
 * Deterministic: the same run gives the same points.
 */
export function chooseInjectionPoints(options: ChooseOptions): InjectionPoint[] {
  const { series, fills, count, first, last, windowBars } = options;
  const n = series.length;
  const position = new Float64Array(n);
  const hasFill = new Uint8Array(n);
  let bar = 0;
  let held = 0;
  for (const fill of fills) {
    while (bar < n && (series.time[bar] as number) < fill.time) position[bar++] = held;
    if (bar >= n) break;
    hasFill[bar] = 1;
    held += fill.side === "buy" ? fill.quantity : -fill.quantity;
  }
  while (bar < n) position[bar++] = held;

  const sideAt = (a: number): PositionAtCrash => {
    const q = position[a - 1] as number;
    return q > 1e-12 ? "long" : q < -1e-12 ? "short" : "flat";
  };
  const candidate = (a: number) => a >= 1 && a < n && hasFill[a] === 0;
  const runs: [number, number][] = [];
  for (let a = Math.max(1, first); a <= last; a++) {
    if (!candidate(a) || sideAt(a) !== "long") continue;
    const current = runs[runs.length - 1];
    if (current && current[1] === a - 1) current[1] = a;
    else runs.push([a, a]);
  }

  const chosen = new Map<number, string>();
  const midpoint = ([start, end]: [number, number]) => Math.floor((start + end) / 2);
  if (runs.length >= count) {
    for (let k = 0; k < count; k++) {
      const r = Math.floor(((k + 0.5) * runs.length) / count);
      chosen.set(midpoint(runs[r] as [number, number]), `long position (holding period ${r + 1} of ${runs.length})`);
    }
  } else {
    for (const [r, run] of runs.entries()) {
      chosen.set(midpoint(run), `long position (holding period ${r + 1} of ${runs.length})`);
    }
    const longBars = runs.flatMap(([start, end]) => Array.from({ length: end - start + 1 }, (_, k) => start + k));
    addSpread(chosen, longBars, count, windowBars, "long position (more points in the holding periods)");
    if (chosen.size < count) {
      const all: number[] = [];
      for (let a = Math.max(1, first); a <= last; a++) if (candidate(a)) all.push(a);
      addSpread(chosen, all, count, windowBars, "evenly spaced (the unstressed run was not long often enough)");
    }
  }
  return [...chosen.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, chosenBecause]) => ({ index, position: sideAt(index), chosenBecause }));
}

/** Adds points from `pool` (ascending) evenly by rank until `chosen` has `count`, away from chosen ones if it can. */
function addSpread(chosen: Map<number, string>, pool: readonly number[], count: number, gap: number, why: string) {
  for (const minimumGap of [gap, 1]) {
    const free = pool.filter((a) => [...chosen.keys()].every((c) => Math.abs(c - a) >= minimumGap));
    const wanted = count - chosen.size;
    if (wanted <= 0) return;
    const take = Math.min(wanted, free.length);
    for (let k = 0; k < take; k++) {
      const a = free[Math.floor(((k + 0.5) * free.length) / take)] as number;
      if (!chosen.has(a)) chosen.set(a, why);
    }
  }
}
