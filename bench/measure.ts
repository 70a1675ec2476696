/**
 * Timing helpers shared by the bench modules: seeded data, garbage collection between runs, medians.
 * Run the benches with `node --expose-gc` (npm run bench does) so gc() between runs is real.
 */

const collect = (globalThis as { gc?: () => void }).gc;

/** Forces a full garbage collection when node runs with --expose-gc; otherwise does nothing. */
export function gc(): void {
  collect?.();
}

/** True when gc() really collects. */
export const gcExposed: boolean = collect !== undefined;

/** Mulberry32: a small seeded generator of uniform numbers in [0, 1). Same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Keeps results reachable so the JIT cannot drop the measured work. */
let sink: unknown;
export function consume(value: unknown): void {
  sink = value;
}
export function sinkValue(): unknown {
  return sink;
}

export interface MeasureOptions {
  /** Untimed runs first, so the JIT has compiled the code. */
  warmup: number;
  /** Timed runs; the median is reported. */
  runs: number;
}

/** Median wall time in milliseconds of `fn`, with a gc() before every run. */
export function medianMs(fn: () => unknown, { warmup, runs }: MeasureOptions): number {
  for (let i = 0; i < warmup; i++) consume(fn());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const start = performance.now();
    consume(fn());
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const middle = times.length >> 1;
  return times.length % 2 === 1 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
}
