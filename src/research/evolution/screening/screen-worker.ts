import { parentPort, workerData } from "node:worker_threads";
import { seriesFromShared } from "../../../backtest/pool/shared-series.js";
import { prepareScreening } from "./screen.js";
import { runJob } from "./screen-jobs.js";
import type { ScreenRequest, ScreenWorkerData } from "./screen-pool.js";

// Entry point of a screening worker: prepares the data set once (its indicator and condition caches then serve
// every batch this worker gets), and answers one message per batch.
const port = parentPort;
if (port === null) throw new Error("screen-worker.ts must run as a worker thread");
const init = workerData as ScreenWorkerData;
const data = prepareScreening(seriesFromShared(init.series), init.periodsPerYear);
port.on("message", (request: ScreenRequest) => {
  try {
    const results = runJob(request.kind, data, init.settings, init.plan, request.specs);
    port.postMessage({ id: request.id, results });
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message });
  }
});
