/**
 * The issue 8 proof, A/B: bar → orders p99 of a paper session with and without ~100 requests/s on the main read
 * endpoints, for 1 and 100 symbols, with the API hosted in one of three ways (AEGIS_API_BENCH_MODES, default
 * `api-thread,replica`): the whole API in its own worker thread (`api-thread`, what `aegis trade` does), Fastify on
 * the trading thread with the read queries in the read-replica worker (`replica`), or everything on the trading
 * thread (`trading-thread`). The modes alternate (their order turns each round), so that the load of a shared
 * machine shows as spread rather than as a difference.
 * The store holds a day of earlier decisions and equity first, as a bot that has run a while has.
 */
import { loadavg } from "node:os";
import { startApiSession } from "../src/cli/testing/api-session.js";
import { counter, loadWhileTrading, NICE_LOAD, type Session, stats, trade } from "./api.js";
import { gc } from "./measure.js";

export const MAIN_READS = [
  "/api/status",
  "/api/portfolio",
  "/api/positions",
  "/api/orders/open",
  "/api/trades",
  "/api/equity",
  "/api/decisions",
  "/api/shield",
];
const ROUNDS = Number(process.env.AEGIS_API_BENCH_ROUNDS ?? 2);
const SYMBOLS = (process.env.AEGIS_API_BENCH_SYMBOLS ?? "1,100").split(",").map(Number);
const MODE_NAMES = ["api-thread", "replica", "trading-thread"] as const;
type Mode = (typeof MODE_NAMES)[number];
const MODES = (process.env.AEGIS_API_BENCH_MODES ?? "api-thread,replica").split(",").map((m) => {
  if (!(MODE_NAMES as readonly string[]).includes(m))
    throw new Error(`AEGIS_API_BENCH_MODES: unknown mode ${m} (${MODE_NAMES.join(", ")})`);
  return m as Mode;
});
const MODE_LABEL: Record<Mode, string> = {
  "api-thread": "API worker thread",
  replica: "trading thread, reads in worker",
  "trading-thread": "trading thread",
};
const HISTORY_DECISIONS = 30_000;
const HISTORY_EQUITY = 20_000;
const QUIET_STEPS = 600;
const LOAD_SECONDS = 12;
const RATE = 100;

/** A day of earlier decisions (with votes and verdicts as the runtime writes them) and equity of the same session. */
export async function history(t: Session) {
  const start = (t.series[0]?.time[0] as number) - 60_000;
  const verdicts = [
    {
      order: "buy",
      approved: true,
      quantity: 1,
      verdicts: [
        { layer: "kelly", verdict: "scale", reason: "size", scale: 0.5 },
        { layer: "max-drawdown", verdict: "allow", reason: "ok" },
      ],
    },
  ];
  const votes = [{ source: "sma-cross", action: "buy", confidence: 0.7, reasons: ["fast crossed above slow"] }];
  for (let k = 0; k < HISTORY_DECISIONS; k += 500)
    await t.store.decisions.insertMany(
      Array.from({ length: 500 }, (_, j) => ({
        decisionKey: `api-test|sma-cross|H/USDT|${k + j}`,
        time: start - (k + j) * 3_000,
        symbol: "H/USDT",
        strategyId: "sma-cross",
        action: "buy",
        outcome: "orders-sent",
        votes,
        verdicts,
        detail: { price: 100 },
      })),
    );
  const detail = JSON.stringify({ session: "api-test" });
  for (let k = 0; k < HISTORY_EQUITY; k += 500)
    await t.store.db
      .insertInto("equitySnapshots")
      .values(
        Array.from({ length: 500 }, (_, j) => ({
          time: start - (k + j) * 60_000,
          equity: 100_000 + Math.sin(k + j) * 500,
          cash: 50_000,
          positionsValue: 50_000,
          detail,
        })),
      )
      .execute();
}

interface Measured {
  symbols: number;
  mode: Mode;
  round: number;
  load: string;
  quietP99: number;
  loadedP99: number;
  quietP50: number;
  loadedP50: number;
  /** The synchronous step alone (no wait for the event loop): where CPU contention, not queueing, shows. */
  quietComputeP99: number;
  loadedComputeP99: number;
  served: number;
  apiP99: number;
  errors: number;
}

async function once(symbols: number, mode: Mode, round: number): Promise<Measured> {
  const t = await startApiSession({
    symbols,
    bars: 3000,
    warmup: 300,
    readReplica: mode === "replica",
    apiThread: mode === "api-thread",
  });
  try {
    await history(t);
    let i = 301;
    i = (await trade(t, i, counter(50))).next;
    for (const path of MAIN_READS) for (let k = 0; k < 10; k++) await (await fetch(`${t.api.url}${path}`)).text();
    gc();
    const quiet1 = await trade(t, i, counter(QUIET_STEPS / 2));
    const loaded = await loadWhileTrading(t, quiet1.next, {
      mode: "mix",
      base: t.api.url,
      paths: MAIN_READS,
      seconds: LOAD_SECONDS,
      connections: 10,
      rate: RATE,
    });
    const quiet2 = await trade(t, loaded.steps.next, counter(QUIET_STEPS / 2));
    const q = stats([...quiet1.barToOrder, ...quiet2.barToOrder]);
    const l = stats(loaded.steps.barToOrder);
    const api = loaded.endpoints[0];
    return {
      symbols,
      mode,
      round,
      load: loadavg()
        .map((x) => x.toFixed(1))
        .join(" "),
      quietP99: q.p99,
      loadedP99: l.p99,
      quietP50: q.p50,
      loadedP50: l.p50,
      quietComputeP99: stats([...quiet1.compute, ...quiet2.compute]).p99,
      loadedComputeP99: stats(loaded.steps.compute).p99,
      served: api?.requestsPerSecond ?? Number.NaN,
      apiP99: api?.p99 ?? Number.NaN,
      errors: (api?.errors ?? 0) + (api?.non2xx ?? 0),
    };
  } finally {
    await t.close();
  }
}

export async function replicaComparison(log: (line: string) => void): Promise<string> {
  const rows: Measured[] = [];
  for (const symbols of SYMBOLS)
    for (let round = 0; round < ROUNDS; round++)
      for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
        const m = await once(symbols, mode, round);
        rows.push(m);
        log(
          `api-replica: ${symbols} symbols, API on ${MODE_LABEL[mode]}, round ${round}: bar→orders p99 ${m.quietP99.toFixed(2)} → ${m.loadedP99.toFixed(2)} ms (compute p99 ${m.quietComputeP99.toFixed(2)} → ${m.loadedComputeP99.toFixed(2)}) under ${m.served.toFixed(0)} req/s (api p99 ${m.apiP99} ms), load ${m.load}`,
        );
      }
  const pct = (a: number, b: number) => `${b >= a ? "+" : ""}${((b / a - 1) * 100).toFixed(1)} %`;
  return [
    `## Trading latency with the API under ${RATE} requests/s: where the API runs`,
    "",
    `Main read endpoints (${MAIN_READS.join(", ")}) in turn at ${RATE} requests/s in total for ${LOAD_SECONDS} s (autocannon,`,
    `another process${NICE_LOAD ? ", at nice 19: it stands in for clients on other machines" : ", at normal priority"}), while a paper session steps every 10 ms over a store that already holds ${HISTORY_DECISIONS} decisions`,
    `and ${HISTORY_EQUITY} equity snapshots of the session. bar → orders = from the step's due time to the orders handed to`,
    `the venue client (waiting for the event loop included). No load = ${QUIET_STEPS} steps around the loaded phase. The`,
    "load average is the machine's (1, 5, 15 min) when the row finished: other work shares its cores.",
    "",
    "| symbols | API on | round | no load p99 ms | loaded p99 ms | change | no load p50 | loaded p50 | compute p99 no load → loaded | API req/s | API p99 ms | errors | load avg |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ...rows.map(
      (m) =>
        `| ${m.symbols} | ${MODE_LABEL[m.mode]} | ${m.round} | ${m.quietP99.toFixed(2)} | ${m.loadedP99.toFixed(2)} | ${pct(m.quietP99, m.loadedP99)} | ${m.quietP50.toFixed(2)} | ${m.loadedP50.toFixed(2)} | ${m.quietComputeP99.toFixed(2)} → ${m.loadedComputeP99.toFixed(2)} | ${m.served.toFixed(0)} | ${m.apiP99} | ${m.errors} | ${m.load} |`,
    ),
    "",
  ].join("\n");
}

/** `npm run bench -- api-replica`: this table alone (the A/B of where the API runs), without the rest of `api`. */
export const run = replicaComparison;
