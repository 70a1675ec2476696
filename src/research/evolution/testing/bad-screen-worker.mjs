// A screening worker that misbehaves on purpose, for the pool's tests: it answers with garbage, or dies.
import { parentPort, workerData } from "node:worker_threads";

parentPort.on("message", (request) => {
  if (workerData.plan?.minTrades === 999) process.exit(3);
  parentPort.postMessage({ id: request.id, results: "garbage" });
});
