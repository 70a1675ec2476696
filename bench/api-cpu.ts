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
import { MessageChannel } from "node:worker_threads";
import { startApiSession } from "../src/cli/testing/api-session.js";
import { CandleMirror, candleUpdates, packedCandleUpdates } from "../src/server/api-thread/candle-mirror.js";
import { sessionCandles } from "../src/server/routes/read-candles.js";
import { counter, trade } from "./api.js";
import { history, MAIN_READS } from "./api-replica.js";

const SYMBOLS = Number(process.env.AEGIS_API_CPU_SYMBOLS ?? 100);
const AMOUNT = Number(process.env.AEGIS_API_CPU_AMOUNT ?? 200);
const execFileAsync = promisify(execFile);

/** ns this thread of the process has spent on a CPU. */
function threadCpuNs(tid: number): number {
  return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
}

/**
 * What a page that reads candles (/api/equity, /api/candles) costs the trading thread after each step: the new bars
 * of every market copied and posted to the worker. `ASKS` steps, one ask after each, on an in-process session.
 */
async function candleAsks(): Promise<{ p50: number; p99: number }> {
  const ASKS = 200;
  const t = await startApiSession({ symbols: SYMBOLS, bars: 1500, warmup: 300 });
  const { port1, port2 } = new MessageChannel();
  port2.on("message", () => {});
  try {
    const source = sessionCandles(t.session);
    const mirror = new CandleMirror(async (have) => candleUpdates(source, have));
    await mirror.refresh();
    const ms: number[] = [];
    let i = 301;
    for (let k = 0; k < ASKS; k++) {
      i = (await trade(t, i, counter(1))).next;
      const have = mirror.markets().map(({ symbol, timeframe }) => {
        const s = mirror.series(symbol, timeframe);
        return { symbol, timeframe, first: s?.time[0] ?? Number.NaN, length: s?.length ?? 0 };
      });
      const start = performance.now();
      const answer = packedCandleUpdates(source, have);
      port1.postMessage({ type: "answer", id: k, value: answer }, [answer.bars.buffer as ArrayBuffer]);
      ms.push(performance.now() - start);
      await mirror.refresh();
    }
    ms.sort((a, b) => a - b);
    return { p50: ms[Math.floor(ASKS / 2)] ?? Number.NaN, p99: ms[Math.floor(ASKS * 0.99)] ?? Number.NaN };
  } finally {
    port1.close();
    await t.close();
  }
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
  const asks = await candleAsks();
  log(`api-cpu: candle ask after a step: p50 ${asks.p50.toFixed(3)} ms, p99 ${asks.p99.toFixed(3)} ms`);
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
    `The trading thread's time per candle ask after a step (a page that reads candles; ${SYMBOLS} markets, one new bar`,
    `each, copied and posted): p50 ${asks.p50.toFixed(3)} ms, p99 ${asks.p99.toFixed(3)} ms.`,
    "",
  ].join("\n");
}
