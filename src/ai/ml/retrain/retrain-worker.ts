/** Worker-thread entry of a retrain job: trading steps never wait for XGBoost. */
import { parentPort, workerData } from "node:worker_threads";
import { type RetrainJob, runRetrainJob } from "./retrain-job.js";

if (parentPort === null) throw new Error("retrain-worker.ts must run as a worker thread");
try {
  parentPort.postMessage({ ok: true, result: runRetrainJob(workerData as RetrainJob) });
} catch (error) {
  parentPort.postMessage({ ok: false, error: (error as Error).message });
}
