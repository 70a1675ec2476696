import { DEFAULT_QUEUE_NAME } from "../../research/evolution/distributed/queue-protocol.js";
import { startQueueWorker } from "../../research/evolution/distributed/queue-worker.js";
import { loadDataFiles } from "../load-data-files.js";
import { numberOption, positiveInteger } from "../parse-options.js";
import { UsageError } from "../usage-error.js";

export interface WorkerCliOptions {
  queue?: string;
  queueName?: string;
  concurrency: string;
  lockMs: string;
}

/**
 * `aegis worker --queue redis://HOST:PORT`: scores `aegis evolve --queue` fitness jobs until SIGINT or SIGTERM
 * (jobs in hand are finished first). Each job names its data file; the worker reads it itself and checks that its
 * bars are the evolver's. Exit 2 when Redis cannot be reached, 1 when it goes away for good.
 */
export async function workerCommand(options: WorkerCliOptions): Promise<void> {
  if (!options.queue) throw new UsageError("--queue is required: the Redis URL of the queue (redis://HOST:PORT)");
  const concurrency = numberOption("concurrency", options.concurrency, positiveInteger) as number;
  const lockMs = numberOption("lock-ms", options.lockMs, (n) =>
    Number.isInteger(n) && n >= 100 ? undefined : "must be a whole number of milliseconds >= 100",
  ) as number;
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const worker = await startQueueWorker({
    url: options.queue,
    queueName,
    concurrency,
    lockMs,
    loadSeries: async (file) => {
      const warnings: string[] = [];
      const [series] = await loadDataFiles({ files: [file], symbols: [], policy: "reject" }, warnings);
      if (!series) throw new Error(`${file}: no bars`);
      return series;
    },
    onEvent: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`worker ready: queue ${queueName} on ${options.queue}\n`);
  const stopped = new Promise<string | undefined>((resolve) => {
    process.once("SIGINT", () => resolve(undefined));
    process.once("SIGTERM", () => resolve(undefined));
    void worker.lost.then(resolve);
  });
  const lost = await stopped;
  await worker.close();
  if (lost !== undefined) throw new Error(lost);
  process.stderr.write("worker stopped\n");
}
