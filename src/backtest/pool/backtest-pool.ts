import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CandleSeries } from "../../domain/candles.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { type BacktestSettings, plainSettings } from "../backtest-settings.js";
import type { BacktestTask, TaskResult } from "./backtest-task.js";
import type { PoolRequest, PoolWorkerData } from "./pool-worker.js";
import { shareSeries } from "./shared-series.js";

export interface PoolOptions {
  readonly series: readonly CandleSeries[];
  readonly spec: StrategySpec;
  readonly settings: BacktestSettings;
  /** Worker threads; default `os.availableParallelism()`, at least 1. */
  readonly workers?: number;
}

type WorkerMessage = { type: "ready" } | { type: "result"; id: number; result: TaskResult };

interface WorkerSlot {
  worker: Worker;
  ready: boolean;
  dead: boolean;
  /** Index of the task it is running, -1 when idle. */
  task: number;
}

interface Batch {
  readonly tasks: readonly BacktestTask[];
  readonly results: (TaskResult | undefined)[];
  readonly queue: number[];
  readonly onResult: ((index: number, result: TaskResult) => void) | undefined;
  readonly resolve: (results: TaskResult[]) => void;
  readonly reject: (error: Error) => void;
  pending: number;
}

/** Default worker count: one per core the process may use. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A pool of worker threads that backtest parameter combinations of one spec over one data set. Each worker gets
 * the bars once, in shared memory, then receives tasks one at a time; results come back in task order whichever
 * worker finished first. A task that throws becomes an error result; a worker that dies mid-task is replaced and
 * only that task gets an error. A worker that cannot start at all fails the batch. Call `close` when done.
 */
export class BacktestPool {
  readonly size: number;
  readonly #data: PoolWorkerData;
  readonly #slots: WorkerSlot[] = [];
  #batch: Batch | undefined;
  #startupError: Error | undefined;
  #closed = false;

  constructor(options: PoolOptions) {
    const workers = options.workers ?? defaultWorkerCount();
    if (!Number.isInteger(workers) || workers < 1)
      throw new RangeError(`workers must be a whole number >= 1, got ${workers}`);
    this.size = workers;
    this.#data = {
      series: options.series.map(shareSeries),
      spec: options.spec,
      settings: plainSettings(options.settings),
    };
    for (let i = 0; i < workers; i++) this.#slots.push(this.#spawn());
  }

  /** Runs the tasks on the workers; resolves with one result per task, in task order. One batch at a time. */
  run(tasks: readonly BacktestTask[], onResult?: (index: number, result: TaskResult) => void): Promise<TaskResult[]> {
    if (this.#closed) return Promise.reject(new Error("the backtest pool is closed"));
    if (this.#batch !== undefined) return Promise.reject(new Error("the backtest pool is already running a batch"));
    if (this.#startupError !== undefined) return Promise.reject(this.#startupError);
    if (tasks.length === 0) return Promise.resolve([]);
    return new Promise<TaskResult[]>((resolve, reject) => {
      this.#batch = {
        tasks,
        results: new Array<TaskResult | undefined>(tasks.length),
        queue: tasks.map((_, i) => i),
        onResult,
        resolve,
        reject,
        pending: tasks.length,
      };
      // Idle workers must not keep the process alive, busy ones must.
      for (const slot of this.#slots) slot.worker.ref();
      this.#dispatch();
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const slots = this.#slots.splice(0);
    for (const slot of slots) slot.dead = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    this.#fail(new Error("the backtest pool was closed while a batch was running"));
  }

  #spawn(): WorkerSlot {
    const worker = startWorker(this.#data);
    const slot: WorkerSlot = { worker, ready: false, dead: false, task: -1 };
    worker.on("message", (message: WorkerMessage) => this.#onMessage(slot, message));
    worker.on("error", (error) => this.#onDeath(slot, error));
    worker.on("exit", (code) => this.#onDeath(slot, new Error(`worker thread exited with code ${code}`)));
    if (this.#batch === undefined) worker.unref();
    return slot;
  }

  #dispatch(): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    for (const slot of this.#slots) {
      if (slot.dead || slot.task >= 0) continue;
      const next = batch.queue.shift();
      if (next === undefined) return;
      slot.task = next;
      const request: PoolRequest = { id: next, task: batch.tasks[next] as BacktestTask };
      slot.worker.postMessage(request);
    }
  }

  #onMessage(slot: WorkerSlot, message: WorkerMessage): void {
    if (message.type === "ready") {
      slot.ready = true;
      return;
    }
    if (slot.task !== message.id) return;
    slot.task = -1;
    this.#record(message.id, message.result);
  }

  #record(index: number, result: TaskResult): void {
    const batch = this.#batch;
    if (batch === undefined || batch.results[index] !== undefined) return;
    batch.results[index] = result;
    batch.pending--;
    batch.onResult?.(index, result);
    if (batch.pending === 0) {
      this.#batch = undefined;
      for (const slot of this.#slots) slot.worker.unref();
      batch.resolve(batch.results as TaskResult[]);
      return;
    }
    this.#dispatch();
  }

  #onDeath(slot: WorkerSlot, error: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    const at = this.#slots.indexOf(slot);
    if (at >= 0) this.#slots.splice(at, 1);
    if (this.#closed) return;
    if (!slot.ready) {
      // Nothing will work if a fresh worker cannot even load the code or the data; retrying would loop.
      this.#startupError = new Error(`a backtest worker failed to start: ${error.message}`, { cause: error });
      this.#fail(this.#startupError);
      return;
    }
    this.#slots.push(this.#spawn());
    const task = slot.task;
    const batch = this.#batch;
    if (task >= 0 && batch !== undefined) {
      const params = JSON.stringify(batch.tasks[task]?.params ?? {});
      this.#record(task, {
        ok: false,
        error: `params ${params}: the worker thread died: ${error.message}`,
        elapsedMs: 0,
      });
    } else {
      this.#dispatch();
    }
  }

  #fail(error: Error): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    this.#batch = undefined;
    batch.reject(error);
  }
}

/**
 * Starts a worker on the compiled `pool-worker.js`, or, when this module is the TypeScript source (vitest, tsx),
 * on `pool-worker-tsx.mjs`, which registers tsx in the worker and then loads `pool-worker.ts`.
 */
function startWorker(data: PoolWorkerData): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  const file = new URL(fromSource ? "./pool-worker-tsx.mjs" : "./pool-worker.js", import.meta.url);
  return new Worker(file, { workerData: data });
}
