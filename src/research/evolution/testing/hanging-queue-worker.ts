// A queue worker that takes one job and never answers: the test kills it mid-job (SIGKILL) and checks that the job
// is retried by another worker. Usage: node --import tsx hanging-queue-worker.ts URL QUEUE_NAME LOCK_MS
import { startQueueWorker } from "../distributed/queue-worker.js";

const [url, queueName, lockMs] = process.argv.slice(2);
if (!url || !queueName || !lockMs) throw new Error("usage: hanging-queue-worker.ts URL QUEUE_NAME LOCK_MS");
await startQueueWorker({
  url,
  queueName,
  lockMs: Number(lockMs),
  loadSeries: () => Promise.reject(new Error("the hanging worker reads no data")),
  process: (job) => {
    process.stdout.write(`holding ${job.id}\n`);
    return new Promise(() => undefined);
  },
});
process.stdout.write("ready\n");
