import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type CandleSeries, sliceSeries } from "../../../domain/candles.js";
import type { Fitness } from "../fitness.js";
import { safeFitness } from "../local-evaluator.js";
import { prepareScreening, type ScreeningData } from "../screening/screen.js";
import { DEFAULT_QUEUE_NAME, type FitnessJob, seriesFingerprint } from "./queue-protocol.js";
import { assertRedisReachable, queueConnection } from "./redis-connection.js";

export interface QueueWorkerOptions {
  readonly url: string;
  readonly queueName?: string;
  /** Reads a data file named by a job (the CLI's loader: CSV, CSV.gz, Parquet). */
  readonly loadSeries: (file: string) => Promise<CandleSeries>;
  /** A job whose worker stops renewing its lock for this long goes to another worker (default 30 s). */
  readonly lockMs?: number;
  /** Jobs at once in this process (default 1: evaluation is CPU-bound; run one process per core). */
  readonly concurrency?: number;
  readonly giveUpMs?: number;
  readonly onEvent?: (line: string) => void;
  /** Replaces the evaluation (tests use one that never answers, to be killed mid-job). */
  readonly process?: (job: Job<FitnessJob>) => Promise<unknown>;
}

export interface RunningQueueWorker {
  /** Resolves when Redis is lost for longer than giveUpMs (the worker has stopped), with the reason. */
  readonly lost: Promise<string>;
  close(): Promise<void>;
}

/**
 * An `aegis worker`: takes fitness jobs off the queue and scores them on its own copy of the bars. The prepared data
 * (indicator and condition caches) is kept per data reference, so a run's later generations reuse it. Between specs
 * the worker yields to the event loop, so its lock is renewed during a long job and only a dead worker loses a job.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningQueueWorker> {
  await assertRedisReachable(options.url);
  const lockMs = options.lockMs ?? 30_000;
  const prepared = new Map<string, Promise<ScreeningData>>();
  const screeningData = (job: FitnessJob): Promise<ScreeningData> => {
    const key = `${job.data.file}|${job.data.bars}|${job.data.fingerprint}`;
    let data = prepared.get(key);
    if (data === undefined) {
      data = (async () => {
        const series = await options.loadSeries(job.data.file);
        if (series.length < job.data.bars)
          throw new Error(`${job.data.file} has ${series.length} bars here, the job needs ${job.data.bars}`);
        const bars = sliceSeries(series, 0, job.data.bars);
        const fingerprint = seriesFingerprint(bars);
        if (fingerprint !== job.data.fingerprint)
          throw new Error(`${job.data.file} differs here from the evolver's copy (fingerprint ${fingerprint})`);
        return prepareScreening(bars);
      })();
      data.catch(() => prepared.delete(key));
      // One data set at a time: a worker serves one run after another, not many at once.
      prepared.clear();
      prepared.set(key, data);
    }
    return data;
  };
  const evaluate = async (job: Job<FitnessJob>): Promise<Fitness[]> => {
    const data = await screeningData(job.data);
    const out: Fitness[] = [];
    let since = Date.now();
    for (const spec of job.data.specs) {
      out.push(safeFitness(data, spec, job.data.plan));
      if (Date.now() - since > 50) {
        await yieldToEventLoop();
        since = Date.now();
      }
    }
    return out;
  };

  let resolveLost: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => {
    resolveLost = resolve;
  });
  const connection: Redis = queueConnection(options.url, options.giveUpMs ?? 30_000, resolveLost);
  const worker = new Worker<FitnessJob>(options.queueName ?? DEFAULT_QUEUE_NAME, options.process ?? evaluate, {
    connection,
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 3,
  });
  worker.on("error", () => {
    // a lost connection: its retry strategy decides when the worker gives up
  });
  const say = options.onEvent ?? (() => undefined);
  worker.on("active", (job) => say(`job ${job.id} started (${job.data.specs.length} specs)`));
  worker.on("completed", (job) => say(`job ${job.id} done`));
  worker.on("failed", (job, error) => say(`job ${job?.id ?? "?"} failed: ${error.message}`));
  await worker.waitUntilReady();
  return {
    lost,
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}
