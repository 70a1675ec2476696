import type { CandleSeries } from "../domain/candles.js";
import type { Slot } from "../engine/engine.js";
import {
  type BacktestOptions,
  type BacktestResult,
  finishBacktest,
  inferDuration,
  prepareBacktest,
  runBacktest,
} from "./run-backtest.js";
import { SimulatedTime } from "./simulated-time.js";

export interface AsyncBacktestOptions extends BacktestOptions {
  /** The simulated time the sources were built with (their latencies); a fresh one when absent. */
  readonly time?: SimulatedTime;
}

/**
 * A backtest with asynchronous signal sources: at each bar whose slot has one, every source is asked and the step
 * waits for the answers up to each source's deadline in simulated time (simulated-time.ts), so a source that
 * answers late abstains exactly as it would live, and the run is the same on every machine. Slots without an
 * asynchronous source step synchronously as in `runBacktest`; with none at all, this is `runBacktest`.
 */
export async function runBacktestAsync(options: AsyncBacktestOptions): Promise<BacktestResult> {
  if (!options.feeds.some((f) => (f.sources ?? []).some((s) => s.deadlineMs !== undefined)))
    return runBacktest(options);
  const time = options.time ?? new SimulatedTime();
  const prepared = prepareBacktest(options, { deadline: time.deadline });
  const { engine, slots } = prepared;
  const series = slots.map((s) => s.series());
  const duration = series.map((s) => inferDuration(s));
  const shortest = Math.min(...duration);
  const cursor = new Int32Array(slots.length);
  let total = 0;
  for (const s of series) total += s.length;
  const times: number[] = [];
  const equities: number[] = [];
  const exposure: number[] = [];
  let done = 0;
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let j = 0; j < slots.length; j++) {
      const s = series[j] as CandleSeries;
      const c = cursor[j] as number;
      if (c < s.length) next = Math.min(next, (s.time[c] as number) + (duration[j] as number));
    }
    if (next === Number.POSITIVE_INFINITY) break;
    // The decision instant is the close of the step's bars.
    time.moveTo(next);
    for (let j = 0; j < slots.length; j++) {
      const s = series[j] as CandleSeries;
      const c = cursor[j] as number;
      if (c < s.length && (s.time[c] as number) + (duration[j] as number) === next) {
        const slot = slots[j] as Slot;
        if (slot.async) await time.settle(engine.stepAsync(slot, c));
        else engine.step(slot, c);
        cursor[j] = c + 1;
        done++;
      }
    }
    const label = next - shortest;
    times.push(label);
    equities.push(engine.observe(label));
    exposure.push(engine.portfolio.openPositionCount() > 0 ? 1 : 0);
    options.onProgress?.(done, total);
  }
  return finishBacktest(options, prepared, {
    time: Float64Array.from(times),
    equity: Float64Array.from(equities),
    inMarket: Uint8Array.from(exposure),
    bars: total,
  });
}
