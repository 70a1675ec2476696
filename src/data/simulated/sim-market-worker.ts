import { workerData } from "node:worker_threads";
import { type BarDraws, DrawStream } from "./draw-stream.js";
import { resolveSimulatedMarketOptions, type SimulateMarketOptions } from "./sim-market-options.js";

/** What the draw thread is started with: the options and shared memory for its output. */
export interface DrawWorkerData {
  readonly options: SimulateMarketOptions;
  /** Shared memory the draws are written to. */
  readonly draws: BarDraws;
  /** Shared: [bars drawn so far, 1 when the thread failed]. */
  readonly progress: Int32Array;
  /** Bars drawn between two progress updates. */
  readonly block: number;
}

// Entry of the draw thread: makes every bar's random draws ahead of the price loop of the main thread,
// publishing its progress after each block, then ends.
const data = workerData as DrawWorkerData;
try {
  const config = resolveSimulatedMarketOptions(data.options);
  const stream = new DrawStream(config);
  for (let end = 0; end < config.bars; ) {
    end = Math.min(config.bars, end + data.block);
    stream.fill(data.draws, end);
    Atomics.store(data.progress, 0, end);
    Atomics.notify(data.progress, 0);
  }
} catch {
  // The main thread draws the rest itself; the error would only repeat there, with its message.
  Atomics.store(data.progress, 1, 1);
  Atomics.notify(data.progress, 0);
}
