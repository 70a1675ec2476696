import { type ChildProcess, fork } from "node:child_process";
import { Worker } from "node:worker_threads";
import type { ApiWorkerData, MainToWorker, StartMessage, WorkerToMain } from "./messages.js";

/**
 * Where the API runs, seen from the trading side: a worker thread of this process, or a child process of its own.
 * `api-thread.ts` drives either through this one surface, and `api-worker.ts` runs unchanged in both.
 */
export interface ApiHost {
  readonly kind: ApiIsolation;
  post(message: MainToWorker, transfer?: readonly ArrayBuffer[]): void;
  onMessage(listener: (message: WorkerToMain) => void): void;
  onError(listener: (error: Error) => void): void;
  /** Once, when it has ended; `how` is "exit code N" or "signal SIGKILL". */
  onExit(listener: (how: string) => void): void;
  /** Whether it alone keeps this process's event loop alive. */
  ref(): void;
  unref(): void;
  /** Ends it now, mid-loop if need be (a hung API); resolves once it has exited. */
  terminate(): Promise<void>;
}

/**
 * "process" (the default of `aegis trade`): a child process whose every thread (V8's GC helpers included) runs at
 * a lower priority than the trading process, so a busy API cannot take a core from a bar, and a crash or a runaway
 * heap in the API cannot take the trading process with it. "thread": a worker thread; lighter, but its isolate's
 * GC tasks share V8's platform threads with the trading isolate at normal priority.
 */
export type ApiIsolation = "process" | "thread";

/** Starts the API worker file in a thread or a process, with `data` as its start parameters. */
export function startApiHost(isolation: ApiIsolation, file: URL, data: ApiWorkerData): ApiHost {
  return isolation === "thread" ? threadHost(new Worker(file, { workerData: data })) : processHost(file, data);
}

function threadHost(worker: Worker): ApiHost {
  return {
    kind: "thread",
    post: (message, transfer = []) => worker.postMessage(message, [...transfer]),
    onMessage: (listener) => void worker.on("message", listener),
    onError: (listener) => void worker.on("error", listener),
    onExit: (listener) => void worker.once("exit", (code) => listener(`exit code ${code}`)),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

function processHost(file: URL, data: ApiWorkerData): ApiHost {
  // No inherited execArgv: a parent under a debugger or a test runner's flags must not pass them on; a worker run
  // from the TypeScript sources registers tsx itself (api-worker-tsx.mjs).
  const child: ChildProcess = fork(file, [], {
    serialization: "advanced",
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const send = (message: MainToWorker | StartMessage) => {
    // After its exit (or while it is being killed) a message has nowhere to go: it is dropped, as a dead thread's.
    if (!exited && child.connected) child.send(message, (error) => void error);
  };
  send({ type: "start", data });
  return {
    kind: "process",
    // Transfer lists are a thread's zero-copy hand-over; between processes every message is copied anyway.
    post: (message) => send(message),
    onMessage: (listener) => void child.on("message", listener as (message: unknown) => void),
    onError: (listener) => void child.on("error", listener),
    onExit: (listener) =>
      void child.once("exit", (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${code}`)),
    ref: () => {
      child.ref();
      child.channel?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
    terminate: async () => {
      if (!exited) child.kill("SIGKILL");
      await exit;
    },
  };
}
