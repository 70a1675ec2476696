/**
 * Where the API's CPU goes: each main read endpoint alone, `AMOUNT` sequential requests (autocannon in another
 * process, one connection), against the API worker of a paper session at rest over the api-replica bench's store
 * (30,000 decisions, 20,000 equity snapshots, 100 symbols). CPU is read per thread from the kernel
 * (/proc/self/task/<tid>/schedstat, ns on the CPU), so the figure is the API's own cost per request whatever else
 * the machine runs, and the trading thread's column is what the API makes it do (it steps no bar meanwhile).
 * `AEGIS_API_CPU_SYMBOLS` (default 100), `AEGIS_API_CPU_AMOUNT` (default 200).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startApiSession } from "../src/cli/testing/api-session.js";
import { counter, trade } from "./api.js";
import { history, MAIN_READS } from "./api-replica.js";

const SYMBOLS = Number(process.env.AEGIS_API_CPU_SYMBOLS ?? 100);
const AMOUNT = Number(process.env.AEGIS_API_CPU_AMOUNT ?? 200);
const execFileAsync = promisify(execFile);

/** ns this thread of the process has spent on a CPU. */
function threadCpuNs(tid: number): number {
  return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
}

export async function run(log: (line: string) => void): Promise<string> {
  const t = await startApiSession({ symbols: SYMBOLS, bars: 1500, warmup: 300, apiThread: true });
  const rows: string[] = [];
  try {
    const tid = t.api.thread.tid;
    if (tid === undefined) throw new Error("the API worker's thread id is unknown (not Linux?): nothing to measure");
    await history(t);
    await trade(t, 301, counter(50));
    const child = fileURLToPath(new URL("./api-load.ts", import.meta.url));
    for (const path of MAIN_READS) {
      const body = await (await fetch(`${t.api.url}${path}`)).text();
      const input = { mode: "each", base: t.api.url, paths: [path], seconds: 0, connections: 1, amount: AMOUNT };
      const api0 = threadCpuNs(tid);
      const main0 = threadCpuNs(process.pid);
      const out = await execFileAsync(process.execPath, [...process.execArgv, child, JSON.stringify(input)]);
      const api = (threadCpuNs(tid) - api0) / 1e6 / AMOUNT;
      const main = (threadCpuNs(process.pid) - main0) / 1e6 / AMOUNT;
      const [r] = JSON.parse(out.stdout.trim()) as { total: number; non2xx: number; p50: number }[];
      const line = `| ${path} | ${body.length} | ${api.toFixed(3)} | ${main.toFixed(3)} | ${r?.p50 ?? "?"} | ${r?.total ?? 0} | ${r?.non2xx ?? "?"} |`;
      log(`api-cpu: ${line}`);
      rows.push(line);
    }
  } finally {
    await t.close();
  }
  return [
    `## CPU per request of the main read endpoints (API worker thread, ${SYMBOLS} symbols)`,
    "",
    `${AMOUNT} sequential requests per endpoint (autocannon, 1 connection, another process) against a session at rest`,
    "over 30,000 decisions and 20,000 equity snapshots. CPU ms per request of the API worker thread and of the trading",
    `thread, read from /proc/self/task/<tid>/schedstat. Load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}.`,
    "",
    "| endpoint | body bytes | API thread CPU ms/req | trading thread CPU ms/req | p50 ms | requests | non-2xx |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n");
}
