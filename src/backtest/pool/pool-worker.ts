import { parentPort, workerData } from "node:worker_threads";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { type BacktestSettings, resolveSettings } from "../backtest-settings.js";
import { type BacktestTask, runTask, type TaskContext } from "./backtest-task.js";
import { type SharedSeries, seriesFromShared } from "./shared-series.js";

/** What a pool worker is started with: the data (shared memory, no copy), the spec and the settings. */
export interface PoolWorkerData {
  readonly series: readonly SharedSeries[];
  readonly spec: StrategySpec;
  readonly settings: BacktestSettings;
}

export interface PoolRequest {
  readonly id: number;
  readonly task: BacktestTask;
}

// Entry point of a backtest worker thread: loads the data once, then answers one message per task.
const port = parentPort;
if (port === null) throw new Error("pool-worker.ts must run as a worker thread");
const init = workerData as PoolWorkerData;
const context: TaskContext = {
  series: init.series.map(seriesFromShared),
  spec: init.spec,
  settings: resolveSettings(init.settings),
};
port.on("message", (request: PoolRequest) => {
  port.postMessage({ type: "result", id: request.id, result: runTask(context, request.task) });
});
port.postMessage({ type: "ready" });
