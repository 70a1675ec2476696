/**
 * API load proof: a paper session trades (replay feed, real SQLite store, the default risk shield) while autocannon,
 * in another process, loads the main read endpoints on 127.0.0.1. Reports requests/s and p99 per endpoint, and the
 * trading step latency without load, under load, and without load again (the goal: under 10 % worse under load).
 * Also times the token check for a missing, a wrong and an almost-right token (there should be nothing to see).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startApiSession } from "../src/cli/testing/api-session.js";
import { tokenMatches } from "../src/server/auth.js";
import { replicaComparison } from "./api-replica.js";
import { gc } from "./measure.js";

const SYMBOLS = 10;
const WARM = 300;
const STEPS_QUIET = 600;
const LOAD_SECONDS = 4;
const CONNECTIONS = 10;
/** One step every 10 ms: a hundred times faster than one-minute bars, so each phase sees hundreds of steps. */
export const STEP_EVERY_MS = 10;

const execFileAsync = promisify(execFile);
export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
export const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 0.5),
    p99: percentile(s, 0.99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
};
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A session with the API on either thread (the steps and the load are the same for both). */
export type Session = Awaited<ReturnType<typeof startApiSession<boolean>>>;
type InProcessSession = Awaited<ReturnType<typeof startApiSession<false>>>;

/**
 * Steps the session one bar at a time. `compute` is the synchronous step (closed bar → decisions → orders to the
 * venue); `barToOrder` adds the wait for the event loop before the step could start, which is where HTTP traffic
 * in the same process would show.
 */
export async function trade(t: Session, from: number, until: () => boolean, tag?: () => number) {
  const compute: number[] = [];
  const barToOrder: number[] = [];
  /** `tag()` when each step ran (the load phase of the interleaved bench); empty without `tag`. */
  const tags: number[] = [];
  const first = t.series[0];
  let i = from;
  while (!until() && first && i < first.length - 1) {
    await wait(STEP_EVERY_MS);
    const due = performance.now();
    await nextTurn();
    const start = performance.now();
    t.feed.deliverUntil((first.time[i] as number) + t.barMs);
    const end = performance.now();
    compute.push(end - start);
    barToOrder.push(end - due);
    if (tag) tags.push(tag());
    await t.session.flushed();
    i++;
  }
  return { compute, barToOrder, tags, next: i };
}

async function tokenTiming(t: InProcessSession) {
  const token = t.token;
  const cases: Record<string, string> = {
    "right token": token,
    "wrong first character": `${token[0] === "0" ? "1" : "0"}${token.slice(1)}`,
    "wrong last character": `${token.slice(0, -1)}${token.endsWith("0") ? "1" : "0"}`,
    "one character": "x",
    "twice as long": token + token,
  };
  const ns: Record<string, number[]> = {};
  for (let round = 0; round < 7; round++)
    for (const [name, given] of Object.entries(cases)) {
      const n = 100_000;
      const start = process.hrtime.bigint();
      let matches = 0;
      for (let k = 0; k < n; k++) if (tokenMatches(given, token)) matches++;
      (ns[name] ??= []).push(Number(process.hrtime.bigint() - start) / n);
      if (matches !== (given === token ? n : 0)) throw new Error("tokenMatches answered wrong");
    }
  const http: Record<string, number[]> = {};
  const headers: Record<string, Record<string, string>> = {
    "no token": {},
    "wrong first character": { authorization: `Bearer ${cases["wrong first character"]}` },
    "wrong last character": { authorization: `Bearer ${cases["wrong last character"]}` },
  };
  for (let round = 0; round < 2000; round++)
    for (const [name, h] of Object.entries(headers)) {
      const start = performance.now();
      const reply = await t.api.server.app.inject({
        method: "POST",
        url: "/api/control/pause",
        headers: h,
        payload: {},
      });
      (http[name] ??= []).push((performance.now() - start) * 1000);
      if (reply.statusCode !== 401) throw new Error(`expected 401, got ${reply.statusCode}`);
    }
  return {
    compare: Object.entries(ns).map(([name, xs]) => ({ name, median: stats(xs).p50 })),
    http: Object.entries(http).map(([name, xs]) => ({ name, ...stats(xs) })),
  };
}

interface LoadResult {
  path: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** Runs the load generator in another process while the session trades; resolves to both sides' numbers. */
/** Whether the load generator runs at nice 19 (default) or at normal priority (AEGIS_BENCH_NICE_LOAD=0). */
export const NICE_LOAD = process.env.AEGIS_BENCH_NICE_LOAD !== "0";

/** The command and arguments that run api-load.ts with `input`. */
export function loadGeneratorCommand(input: Record<string, unknown>): [string, string[]] {
  const child = fileURLToPath(new URL("./api-load.ts", import.meta.url));
  const args = [...process.execArgv.filter((a) => a !== "--expose-gc"), child, JSON.stringify(input)];
  // The load generator stands in for browsers on other machines: at nice 19 it takes a core only when the bot and
  // the API leave it free, as those clients would. AEGIS_BENCH_NICE_LOAD=0 runs it at normal priority.
  const nice = NICE_LOAD && existsSync("/usr/bin/nice");
  return nice ? ["/usr/bin/nice", ["-n", "19", process.execPath, ...args]] : [process.execPath, args];
}

export async function loadWhileTrading(t: Session, from: number, input: Record<string, unknown>) {
  let loading = true;
  const load = execFileAsync(...loadGeneratorCommand(input), { maxBuffer: 2 ** 24 }).finally(() => {
    loading = false;
  });
  const steps = await trade(t, from, () => !loading);
  // A phase without steps measures nothing: the session ran out of bars (a table of NaN is not a result).
  if (steps.compute.length === 0) throw new Error(`no trading step ran under load from bar ${from}: out of bars`);
  return { steps, endpoints: JSON.parse((await load).stdout.trim()) as LoadResult[] };
}

const RATES = [100, 500];
const MIX_SECONDS = 6;

export async function run(log: (line: string) => void): Promise<string> {
  const ab = await replicaComparison(log);
  // Enough bars for every phase: the saturating one alone steps through all read routes (23 today) for
  // LOAD_SECONDS each at one step per STEP_EVERY_MS; with 8,000 bars the fixed-rate phases found none left.
  // The API in its worker thread, as `aegis trade` runs it.
  const t = await startApiSession({ symbols: SYMBOLS, bars: 24_000, warmup: WARM, apiThread: true });
  let timing: Awaited<ReturnType<typeof tokenTiming>> | undefined;
  try {
    const base = t.api.url;
    const paths = await readPaths(base);
    log(`api: ${SYMBOLS} symbols trading; endpoints ${paths.join(", ")}`);
    let i = WARM + 1;
    // Warm the JIT on the trading path and on every endpoint before measuring.
    i = (await trade(t, i, counter(200))).next;
    for (const path of paths) for (let k = 0; k < 50; k++) await (await fetch(`${base}${path}`)).text();
    const quiet: { compute: number[]; barToOrder: number[] } = { compute: [], barToOrder: [] };
    const quietPhase = async () => {
      gc();
      const r = await trade(t, i, counter(STEPS_QUIET));
      quiet.compute.push(...r.compute);
      quiet.barToOrder.push(...r.barToOrder);
      i = r.next;
      log(`api: quiet: step p50 ${stats(r.compute).p50.toFixed(3)} ms over ${r.compute.length} steps`);
    };
    await quietPhase();
    const saturated = await loadWhileTrading(t, i, {
      mode: "each",
      base,
      paths,
      seconds: LOAD_SECONDS,
      connections: CONNECTIONS,
    });
    i = saturated.steps.next;
    log(`api: saturating load: step p50 ${stats(saturated.steps.compute).p50.toFixed(3)} ms`);
    const fixed: { rate: number; result: Awaited<ReturnType<typeof loadWhileTrading>> }[] = [];
    for (const rate of RATES) {
      await quietPhase();
      const result = await loadWhileTrading(t, i, {
        mode: "mix",
        base,
        paths,
        seconds: MIX_SECONDS,
        connections: CONNECTIONS,
        rate,
      });
      i = result.steps.next;
      fixed.push({ rate, result });
      log(`api: ${rate} requests/s: step p50 ${stats(result.steps.compute).p50.toFixed(3)} ms`);
    }
    await quietPhase();
    // The token check times Fastify's own handling (inject), so it runs on an API on this thread.
    const inProcess = await startApiSession({ symbols: 1 });
    try {
      timing = await tokenTiming(inProcess);
    } finally {
      await inProcess.close();
    }
    const q = stats(quiet.compute);
    const qb = stats(quiet.barToOrder);
    const pct = (a: number, b: number) => `${b >= a ? "+" : ""}${((b / a - 1) * 100).toFixed(1)} %`;
    const row = (label: string, steps: { compute: number[]; barToOrder: number[] }) => {
      const c = stats(steps.compute);
      const b = stats(steps.barToOrder);
      return [
        `| ${label} | ${c.n} | ${c.p50.toFixed(3)} | ${c.p99.toFixed(3)} | ${b.p50.toFixed(3)} | ${b.p99.toFixed(3)} |`,
        `| ↳ change against no load | | ${pct(q.p50, c.p50)} | ${pct(q.p99, c.p99)} | ${pct(qb.p50, b.p50)} | ${pct(qb.p99, b.p99)} |`,
      ];
    };
    return [
      ab,
      "",
      "## API under load while trading",
      "",
      `A paper session trades ${SYMBOLS} symbols (1m bars from the replay feed, sma-cross 3/8, the default risk shield,`,
      `every step committed to SQLite) at one step every ${STEP_EVERY_MS} ms, with the API in its worker thread (as \`aegis trade\``,
      "runs it) at 10 nice steps below the trading thread. The load",
      "generator (autocannon) runs in a separate process on 127.0.0.1. The machine has 2 cores, shared with the load",
      "generator (and with whatever else runs on it).",
      "",
      `Saturating load: ${CONNECTIONS} connections as fast as the server answers, ${LOAD_SECONDS} s per endpoint:`,
      "",
      "| endpoint | requests/s | p50 ms | p99 ms | requests | errors + non-2xx |",
      "|---|---:|---:|---:|---:|---:|",
      ...saturated.endpoints.map(
        (e) =>
          `| ${e.path} | ${e.requestsPerSecond.toFixed(0)} | ${e.p50} | ${e.p99} | ${e.total} | ${e.errors + e.non2xx} |`,
      ),
      "",
      `Fixed load: every endpoint above in turn at a fixed total rate, ${MIX_SECONDS} s:`,
      "",
      "| total rate | requests/s served | p50 ms | p99 ms | requests | errors + non-2xx |",
      "|---|---:|---:|---:|---:|---:|",
      ...fixed.map(({ rate, result }) => {
        const e = result.endpoints[0] as LoadResult;
        return `| ${rate}/s | ${e.requestsPerSecond.toFixed(0)} | ${e.p50} | ${e.p99} | ${e.total} | ${e.errors + e.non2xx} |`;
      }),
      "",
      "Trading step latency: compute = closed bar → orders handed to the venue (synchronous, as in the runtime bench);",
      "bar → orders adds the wait for the event loop before the step could start, where HTTP work in the same process",
      "shows.",
      "",
      "| API load | steps | compute p50 ms | compute p99 ms | bar → orders p50 ms | bar → orders p99 ms |",
      "|---|---:|---:|---:|---:|---:|",
      `| none (between the loaded phases) | ${q.n} | ${q.p50.toFixed(3)} | ${q.p99.toFixed(3)} | ${qb.p50.toFixed(3)} | ${qb.p99.toFixed(3)} |`,
      ...fixed.flatMap(({ rate, result }) => row(`${rate} requests/s`, result.steps)),
      ...row("saturating", saturated.steps),
      "",
      "Token check (`tokenMatches`: SHA-256 of both sides, then `timingSafeEqual`), median of 7 rounds of 100 000:",
      "",
      "| token given | ns per check |",
      "|---|---:|",
      ...timing.compare.map((c) => `| ${c.name} | ${c.median.toFixed(0)} |`),
      "",
      "A write route refused with 401 (fastify.inject, 2000 requests each, interleaved):",
      "",
      "| request | p50 µs | mean µs | p99 µs |",
      "|---|---:|---:|---:|",
      ...timing.http.map((h) => `| ${h.name} | ${h.p50.toFixed(1)} | ${h.mean.toFixed(1)} | ${h.p99.toFixed(1)} |`),
      "",
    ].join("\n");
  } finally {
    await t.close();
  }
}

/** Every GET route that needs no parameter, from the API's own OpenAPI description, and the description itself. */
async function readPaths(base: string): Promise<string[]> {
  const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: { required?: boolean }[] }>>;
  };
  const paths = Object.entries(doc.paths)
    .filter(([path, ops]) => !path.includes("{") && ops.get && !(ops.get.parameters ?? []).some((p) => p.required))
    .map(([path]) => path);
  return [...paths, "/api/openapi.json"];
}

export function counter(n: number): () => boolean {
  let k = 0;
  return () => k++ >= n;
}
