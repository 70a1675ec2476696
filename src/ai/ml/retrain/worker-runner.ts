/** Runs each retrain job in its own worker thread (retrains are rare: one thread per job, ended after it). */
import { Worker } from "node:worker_threads";
import type { RetrainJob, RetrainJobResult, RetrainRunner } from "./retrain-job.js";

export const workerRunner: RetrainRunner = (job: RetrainJob) =>
  new Promise<RetrainJobResult>((resolve, reject) => {
    const fromSource = import.meta.url.endsWith(".ts");
    const file = new URL(fromSource ? "./retrain-worker-tsx.mjs" : "./retrain-worker.js", import.meta.url);
    const worker = new Worker(file, { workerData: job });
    let settled = false;
    worker.once("message", (message: { ok: boolean; result?: RetrainJobResult; error?: string }) => {
      settled = true;
      if (message.ok) resolve(message.result as RetrainJobResult);
      else reject(new Error(`retrain failed: ${message.error}`));
      void worker.terminate();
    });
    worker.once("error", (error) => {
      if (!settled) reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`retrain worker exited with code ${code}`));
    });
  });
