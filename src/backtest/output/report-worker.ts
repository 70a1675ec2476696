import { parentPort } from "node:worker_threads";
import { type ReportJob, writeReportFiles } from "./report-job.js";

/** What the main thread posts: the folder and the job; the worker answers once, then ends. */
export interface ReportWorkerRequest {
  readonly dir: string;
  readonly job: ReportJob;
}

export type ReportWorkerReply = { readonly ok: true } | { readonly ok: false; readonly message: string };

// Entry point of the output thread: started before the backtest runs (its modules load meanwhile), it writes
// equity.csv and report.html of one run while the main thread writes the decisions and the rest.
const port = parentPort;
if (port === null) throw new Error("report-worker.ts must run as a worker thread");
port.once("message", (request: ReportWorkerRequest) => {
  let reply: ReportWorkerReply;
  try {
    // The job arrived as a copy or a transfer: its arrays are this thread's.
    writeReportFiles(request.dir, request.job, true);
    reply = { ok: true };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  port.close();
});
