import { Worker } from "node:worker_threads";
import { allocateDraws, DrawStream } from "./draw-stream.js";
import { DRAW_BLOCK, type DrawSource, generateMarket, localDraws, type SimulatedMarket } from "./sim-market.js";
import { resolveSimulatedMarketOptions, type SimulateMarketOptions } from "./sim-market-options.js";
import type { DrawWorkerData } from "./sim-market-worker.js";

/** Below this many bars a thread's start costs more than it saves. */
export const THREADED_MIN_BARS = 200_000;
/** How long the price loop waits for the draw thread's next block before making the draws itself. */
const STALL_MS = 20_000;

/**
 * The same market as `simulateMarket` (bit-identical: the same DrawStream draws the same numbers), generated on two
 * cores: a worker makes every random draw (regimes, Student-t shocks, volatility factors, wicks, volume noise,
 * crashes) a block ahead, into shared memory, while this thread runs the price loop; on 4.2 M bars each side is
 * about 1.1 s of work. If the worker fails or stalls, this thread makes the draws itself. Short markets are
 * generated in this thread alone.
 */
export function simulateMarketInParallel(
  options: SimulateMarketOptions = {},
  /** Told who made the draws in the end: the worker, or this thread (short market, or the worker failed). */
  drawnBy?: (who: "worker" | "this thread") => void,
): SimulatedMarket {
  const config = resolveSimulatedMarketOptions(options);
  if (config.bars < THREADED_MIN_BARS) {
    drawnBy?.("this thread");
    return generateMarket(config, localDraws(config));
  }
  const data: DrawWorkerData = {
    options,
    draws: allocateDraws(config.bars, true),
    progress: new Int32Array(new SharedArrayBuffer(8)),
    block: DRAW_BLOCK,
  };
  const fromSource = import.meta.url.endsWith(".ts");
  const file = new URL(fromSource ? "./sim-market-worker-tsx.mjs" : "./sim-market-worker.js", import.meta.url);
  let worker: Worker | undefined;
  try {
    worker = new Worker(file, { workerData: data });
    worker.unref();
    // Its errors are seen through `progress`; an 'error' event without a listener would end the process.
    worker.on("error", () => undefined);
  } catch {
    worker = undefined;
  }
  let fallback: DrawStream | undefined = worker ? undefined : new DrawStream(config);
  const source: DrawSource = {
    draws: data.draws,
    ensure: (end) => {
      while (fallback === undefined && Atomics.load(data.progress, 0) < end) {
        const drawn = Atomics.load(data.progress, 0);
        if (Atomics.load(data.progress, 1) !== 0) break;
        if (Atomics.wait(data.progress, 0, drawn, STALL_MS) === "timed-out") break;
      }
      if (fallback === undefined && Atomics.load(data.progress, 0) >= end) return 0;
      // Drawn again from the first bar: the same numbers, so whatever the worker still writes is the same too.
      fallback ??= new DrawStream(config);
      void worker?.terminate();
      fallback.fill(data.draws, end);
      return 0;
    },
  };
  const market = generateMarket(config, source);
  drawnBy?.(fallback === undefined ? "worker" : "this thread");
  return market;
}
