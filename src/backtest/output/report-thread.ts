import { Worker } from "node:worker_threads";
import { copiedJob, jobBuffers, type ReportJob } from "./report-job.js";
import type { ReportWorkerReply, ReportWorkerRequest } from "./report-worker.js";

/** The worker could not start or died before answering: the caller writes the files itself. */
export class ReportThreadLost extends Error {}

/**
 * A second thread that writes one run's equity.csv and report.html while the main thread writes the decisions and
 * the rest (on a 4 M-bar run each side is about a second and a half). Start it before the backtest runs, so that its
 * modules load while the market is generated and the engine runs; it does not keep the process alive until asked
 * to write.
 */
export class ReportThread {
  readonly #worker: Worker;
  readonly #reply: Promise<ReportWorkerReply>;
  #used = false;
  /** Set when the worker failed or exited: a job is then not posted, the caller writes it itself. */
  #lost: ReportThreadLost | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#reply = new Promise<ReportWorkerReply>((resolve, reject) => {
      worker.once("message", (reply: ReportWorkerReply) => resolve(reply));
      const lose = (lost: ReportThreadLost) => {
        this.#lost ??= lost;
        reject(lost);
      };
      worker.once("error", (error) => lose(new ReportThreadLost(`output thread failed: ${error.message}`)));
      worker.once("exit", (code) => lose(new ReportThreadLost(`output thread exited with code ${code}`)));
    });
    // Until it is used, a failure is only a reason to write in-process: never an unhandled rejection.
    this.#reply.catch(() => undefined);
    worker.unref();
  }

  /**
   * Starts the worker on the compiled `report-worker.js` beside this module (in the bundle too), or, when this
   * module is the TypeScript source (vitest, tsx), on `report-worker-tsx.mjs`, which registers tsx in the worker.
   */
  static start(): ReportThread {
    const fromSource = import.meta.url.endsWith(".ts");
    const file = new URL(fromSource ? "./report-worker-tsx.mjs" : "./report-worker.js", import.meta.url);
    return new ReportThread(new Worker(file));
  }

  /**
   * Posts the job and resolves when both files are written. With `handOver` the job's arrays are transferred (no
   * copy; they are detached afterwards: only for a caller done with the candles, the equity and the overlays),
   * otherwise copied once. Rejects with ReportThreadLost when the thread is gone, with a plain Error when writing
   * failed.
   */
  write(dir: string, job: ReportJob, handOver = false): Promise<void> {
    if (this.#used) throw new Error("a ReportThread writes one run's report");
    this.#used = true;
    if (this.#lost) return Promise.reject(this.#lost);
    this.#worker.ref();
    const moved = handOver && this.#post({ dir, job }, jobBuffers(job));
    if (!moved) {
      const own = copiedJob(job);
      this.#post({ dir, job: own.job }, own.transfer);
    }
    return this.#reply.then(
      (reply) => {
        if (!reply.ok) throw new Error(reply.message);
      },
      (error: ReportThreadLost) => {
        // The caller's arrays went with the job: it cannot write the files in its place.
        if (moved) throw new Error(`${error.message} while writing equity.csv and report.html`);
        throw error;
      },
    );
  }

  /** False when a buffer cannot be transferred (Node's pooled or otherwise untransferable memory). */
  #post(request: ReportWorkerRequest, transfer: ArrayBuffer[]): boolean {
    try {
      this.#worker.postMessage(request, transfer);
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === "DataCloneError") return false;
      throw error;
    }
  }

  /** Ends the thread if it was never asked to write (the command failed first); a used thread ends by itself. */
  async stop(): Promise<void> {
    if (this.#used) return;
    this.#lost ??= new ReportThreadLost("output thread stopped");
    await this.#worker.terminate();
  }
}
