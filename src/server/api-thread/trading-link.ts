import { parentPort, workerData } from "node:worker_threads";
import type { ApiWorkerData, MainToWorker, StartMessage, WorkerToMain } from "./messages.js";
import { lowerProcessPriority, lowerThreadPriority } from "./thread-priority.js";

/** The API worker's end of the line to the trading side, the same whether it runs as a thread or a process. */
export interface TradingLink {
  readonly data: ApiWorkerData;
  /** The thread (or process) id whose CPU priority was lowered (Linux), else undefined. */
  readonly tid: number | undefined;
  post(message: WorkerToMain): void;
  onMessage(listener: (message: MainToWorker) => void): void;
}

/**
 * As a worker thread: `workerData` and the parent port. As a child process (api-host.ts forks it): the start
 * parameters arrive as the first IPC message, and the process ends when the channel closes, so a trading process
 * that dies (even by SIGKILL) never leaves an API serving a session nobody trades.
 */
export async function connectToTrading(): Promise<TradingLink> {
  const port = parentPort;
  if (port) {
    const data = workerData as ApiWorkerData;
    return {
      data,
      tid: lowerThreadPriority(data.nice ?? 10),
      post: (message) => port.postMessage(message),
      onMessage: (listener) => void port.on("message", listener),
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error("api-worker runs as a worker thread or a forked process (api-host.ts starts it)");
  process.once("disconnect", () => process.exit(0));
  const data = await new Promise<ApiWorkerData>((resolve) => {
    const first = (message: unknown) => {
      const start = message as StartMessage | MainToWorker;
      if (start.type !== "start") return;
      process.off("message", first);
      resolve(start.data);
    };
    process.on("message", first);
  });
  return {
    data,
    tid: lowerProcessPriority(data.nice ?? 10),
    post: (message) => {
      // A parent gone mid-answer: the disconnect handler ends this process; the message has nowhere to go.
      if (process.connected) send(message, undefined, {}, () => {});
    },
    onMessage: (listener) => void process.on("message", listener as (message: unknown) => void),
  };
}
