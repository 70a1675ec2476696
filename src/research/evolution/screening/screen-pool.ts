import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type SharedSeries, shareSeries } from "../../../backtest/pool/shared-series.js";
import type { CandleSeries } from "../../../domain/candles.js";
import type { StrategySpec } from "../../../strategy/spec/schema.js";
import type { FitnessEvaluator } from "../evolver.js";
import type { Fitness, FitnessPlan } from "../fitness.js";
import type { ScreenSettings } from "./screen.js";
import type { EvaluationSummary, JobKind } from "./screen-jobs.js";
import { routeSpecs } from "./screen-routing.js";

export interface ScreenWorkerData {
  readonly series: SharedSeries;
  readonly settings: ScreenSettings;
  readonly plan: FitnessPlan | undefined;
  readonly periodsPerYear: number;
}

export interface ScreenRequest {
  readonly id: number;
  readonly kind: JobKind;
  readonly specs: readonly StrategySpec[];
}

type ScreenResponse = { id: number; results: unknown[] } | { id: number; error: string };

/**
 * Worker threads that evaluate batches of specs over one data set (shared memory, no copy). A batch is routed to
 * the workers by the specs' indicators (screen-routing.ts: a worker's caches then serve the specs it gets) and the
 * answers are put back in batch order, so a pool gives the same results as the calling thread. A worker that dies,
 * or answers with the wrong number of results, fails the batch with a message saying so; nothing is silently
 * dropped.
 */
export class ScreenPool {
  readonly #workers: Worker[];
  #next = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  static start(options: {
    series: CandleSeries;
    settings: ScreenSettings;
    plan?: FitnessPlan;
    workers?: number;
    periodsPerYear?: number;
    /** Another worker script (tests use one that misbehaves); default the screening worker. */
    workerFile?: URL;
  }): ScreenPool {
    const count = options.workers ?? Math.max(1, availableParallelism());
    if (!(Number.isInteger(count) && count >= 1))
      throw new RangeError(`workers must be a whole number >= 1, got ${count}`);
    const data: ScreenWorkerData = {
      series: shareSeries(options.series),
      settings: options.settings,
      plan: options.plan,
      periodsPerYear: options.periodsPerYear ?? 8760,
    };
    const fromSource = import.meta.url.endsWith(".ts");
    const file =
      options.workerFile ?? new URL(fromSource ? "./screen-worker-tsx.mjs" : "./screen-worker.js", import.meta.url);
    return new ScreenPool(Array.from({ length: count }, () => new Worker(file, { workerData: data })));
  }

  get size(): number {
    return this.#workers.length;
  }

  screen(specs: readonly StrategySpec[]): Promise<EvaluationSummary[]> {
    return this.#run("screen", specs) as Promise<EvaluationSummary[]>;
  }

  engine(specs: readonly StrategySpec[]): Promise<EvaluationSummary[]> {
    return this.#run("engine", specs) as Promise<EvaluationSummary[]>;
  }

  fitness(specs: readonly StrategySpec[]): Promise<Fitness[]> {
    return this.#run("fitness", specs) as Promise<Fitness[]>;
  }

  /** The pool as the evolver's evaluator. */
  evaluator(): FitnessEvaluator {
    return { evaluate: (specs) => this.fitness(specs) };
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  async #run(kind: JobKind, specs: readonly StrategySpec[]): Promise<unknown[]> {
    const routes = routeSpecs(specs, this.#workers.length);
    const answers = await Promise.all(
      routes.map((route, w) =>
        route.length === 0
          ? Promise.resolve([])
          : this.#ask(
              this.#workers[w] as Worker,
              kind,
              route.map((i) => specs[i] as StrategySpec),
            ),
      ),
    );
    const results: unknown[] = new Array(specs.length);
    routes.forEach((route, w) => {
      const answer = answers[w] as unknown[];
      for (let j = 0; j < route.length; j++) results[route[j] as number] = answer[j];
    });
    return results;
  }

  #ask(worker: Worker, kind: JobKind, specs: readonly StrategySpec[]): Promise<unknown[]> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const onMessage = (response: ScreenResponse) => {
        if (response.id !== id) return;
        cleanup();
        if ("error" in response) reject(new Error(`screening worker failed: ${response.error}`));
        else if (!Array.isArray(response.results) || response.results.length !== specs.length)
          reject(new Error(`screening worker returned ${describe(response.results)} for ${specs.length} specs`));
        else resolve(response.results);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new Error(`screening worker crashed: ${error.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`screening worker exited with code ${code} before answering`));
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, kind, specs } satisfies ScreenRequest);
    });
  }
}

function describe(results: unknown): string {
  return Array.isArray(results) ? `${results.length} results` : `no result list (${typeof results})`;
}
