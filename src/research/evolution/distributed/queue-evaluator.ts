import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { StrategySpec } from "../../../strategy/spec/schema.js";
import type { FitnessEvaluator } from "../evolver.js";
import type { Fitness, FitnessPlan } from "../fitness.js";
import { checkJobResult, type DataReference, DEFAULT_QUEUE_NAME, type FitnessJob } from "./queue-protocol.js";
import { assertRedisReachable, queueConnection } from "./redis-connection.js";

export interface QueueEvaluatorOptions {
  readonly url: string;
  readonly queueName?: string;
  /** Specs per job (default 10): a generation of 50 becomes 5 jobs the workers share. */
  readonly batch?: number;
  /** Tries per job when a worker's evaluation throws (a worker that dies is retried by BullMQ's stall check). */
  readonly attempts?: number;
  /** How long Redis may stay away before the run fails (default 30 s). */
  readonly giveUpMs?: number;
  /** A job that was taken back from a worker that stopped renewing its lock (it died), for progress output. */
  readonly onStalled?: (jobId: string) => void;
}

/**
 * The evolver's evaluator on a BullMQ queue: each generation's specs go out as jobs (specs, data reference, plan),
 * `aegis worker` processes score them, and the answers are put back in proposal order, checked one by one. Job ids
 * are unique per run and per slice, so a retried job (failed or stalled) still answers once: nothing is lost or
 * counted twice, and the evolution is the one a local run with the same seed gives.
 */
export class QueueEvaluator {
  readonly url: string;
  readonly queueName: string;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #connections: Redis[];
  readonly #run = randomUUID().slice(0, 8);
  readonly #batch: number;
  readonly #attempts: number;
  readonly #pending = new Set<(error: Error) => void>();
  #calls = 0;
  #failure: Error | undefined;

  private constructor(options: QueueEvaluatorOptions) {
    this.url = options.url;
    this.queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
    this.#batch = options.batch ?? 10;
    this.#attempts = options.attempts ?? 3;
    const giveUp = (reason: string) => this.#fail(new Error(reason));
    const giveUpMs = options.giveUpMs ?? 30_000;
    this.#connections = [
      queueConnection(options.url, giveUpMs, giveUp),
      queueConnection(options.url, giveUpMs, giveUp),
    ];
    this.#queue = new Queue(this.queueName, { connection: this.#connections[0] as Redis });
    this.#events = new QueueEvents(this.queueName, { connection: this.#connections[1] as Redis });
    // Each job waiting for its answer listens for the queue closing: a generation of many jobs is not a leak.
    this.#queue.setMaxListeners(0);
    this.#queue.on("error", () => {
      // a lost connection: the connection's retry strategy decides when the run fails
    });
    this.#events.on("error", () => {
      // same
    });
    if (options.onStalled) {
      const onStalled = options.onStalled;
      this.#events.on("stalled", ({ jobId }) => onStalled(jobId));
    }
  }

  /** Checks that Redis answers (a clear error naming the URL if not), then opens the queue. */
  static async connect(options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    if (!(Number.isInteger(options.batch ?? 1) && (options.batch ?? 1) >= 1))
      throw new RangeError(`batch must be a whole number >= 1, got ${options.batch}`);
    await assertRedisReachable(options.url);
    const evaluator = new QueueEvaluator(options);
    await Promise.all([evaluator.#queue.waitUntilReady(), evaluator.#events.waitUntilReady()]);
    return evaluator;
  }

  /** Scores specs on the referenced bars with the plan, through the queue. */
  evaluator(data: DataReference, plan: FitnessPlan): FitnessEvaluator {
    return { evaluate: (specs) => this.#evaluate(data, plan, specs) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    for (const connection of this.#connections) connection.disconnect();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const reject of this.#pending) reject(error);
    this.#pending.clear();
  }

  async #evaluate(data: DataReference, plan: FitnessPlan, specs: readonly StrategySpec[]): Promise<Fitness[]> {
    if (this.#failure) throw this.#failure;
    if (specs.length === 0) return [];
    const call = this.#calls++;
    const slices: FitnessJob[] = [];
    for (let from = 0; from < specs.length; from += this.#batch)
      slices.push({ data, plan, specs: specs.slice(from, from + this.#batch) });
    const work = (async () => {
      const jobs = await this.#queue.addBulk(
        slices.map((job, k) => ({
          name: "fitness",
          data: job,
          opts: {
            jobId: `${this.#run}-c${call}-s${k}`,
            attempts: this.#attempts,
            removeOnComplete: { age: 3600 },
            removeOnFail: { age: 86_400 },
          },
        })),
      );
      const answers = await Promise.all(
        jobs.map(async (job, k) => {
          const id = job.id ?? `slice ${k}`;
          let result: unknown;
          try {
            result = await job.waitUntilFinished(this.#events);
          } catch (error) {
            throw new Error(`queue job ${id} failed: ${(error as Error).message}`);
          }
          return checkJobResult(result, slices[k] as FitnessJob, id);
        }),
      );
      return answers.flat();
    })();
    // A Redis that stays away rejects the generation instead of leaving it waiting.
    let onLost: (error: Error) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => {
      onLost = reject;
      this.#pending.add(reject);
    });
    try {
      return await Promise.race([work, lost]);
    } finally {
      this.#pending.delete(onLost);
      work.catch(() => undefined);
      lost.catch(() => undefined);
    }
  }
}
