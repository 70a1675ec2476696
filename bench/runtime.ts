/**
 * Trading runtime latency: the time from a closed bar to the order handed to the venue (the synchronous engine
 * step: indicators, strategy, combiner, the full default risk shield, order manager, simulated venue), for 1 and
 * for 100 symbols stepping together; network and store excluded. And the resident memory of a paper session
 * with 100 symbols after a few thousand steps (store writes discarded, so only the session's own state counts).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { simulateMarket } from "../src/data/simulated/sim-market.js";
import { type CandleSeries, candleAt } from "../src/domain/candles.js";
import { ManualClock } from "../src/domain/clock.js";
import { defaultInstrument } from "../src/domain/instrument.js";
import { Engine } from "../src/engine/engine.js";
import { LiveRunner } from "../src/engine/live-runner.js";
import { createRiskRuntime } from "../src/engine/risk-runtime.js";
import type { SessionStore } from "../src/engine/trading/session-store.js";
import { ReplayFeed } from "../src/engine/trading/testing/replay-feed.js";
import { TradingSession } from "../src/engine/trading/trading-session.js";
import { Portfolio } from "../src/execution/portfolio.js";
import { SimulatedBroker } from "../src/execution/simulated-broker.js";
import { riskConfigSchema } from "../src/risk/config.js";
import { MemoryStateStore } from "../src/risk/state-store.js";
import { loadStrategy } from "../src/strategy/registry.js";
import { gc } from "./measure.js";

const M = 60_000;
const WARM = 300;
const STEPS = 3000;

function markets(n: number, bars: number): CandleSeries[] {
  return Array.from({ length: n }, (_, k) => simulateMarket({ seed: 100 + k, bars, symbol: `S${k}/USDT` }).series);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function stepLatency(n: number): { p50: number; p99: number; orders: number } {
  const series = markets(n, WARM + STEPS);
  const strategy = loadStrategy("sma-cross", { fast: 3, slow: 8 });
  const portfolio = new Portfolio(1_000_000);
  const risk = createRiskRuntime(riskConfigSchema.parse({}), { store: new MemoryStateStore() });
  const engine = new Engine({
    portfolio,
    createBroker: (l) => new SimulatedBroker(portfolio, l),
    shield: risk.shield,
    recordDecisions: true,
  });
  const runner = new LiveRunner(engine);
  for (const s of series) {
    runner.addSlot({
      symbol: s.symbol,
      timeframe: "1m",
      strategy,
      instrument: defaultInstrument(s.symbol),
      size: { type: "percent-equity", value: 100 / n },
    });
    for (let i = 0; i < WARM; i++) runner.warm(s.symbol, candleAt(s, i));
  }
  gc();
  const times: number[] = [];
  let orders = 0;
  for (let i = WARM; i < WARM + STEPS; i++) {
    const bars = series.map((s) => ({ symbol: s.symbol, bar: candleAt(s, i) }));
    const start = performance.now();
    runner.onStep(bars);
    times.push(performance.now() - start);
    for (const d of engine.decisions.splice(0)) orders += d.orders.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), orders };
}

const discard: SessionStore = { load: async () => undefined, commit: async () => {}, close: async () => {} };

async function sessionMemory(n: number) {
  const series = markets(n, WARM + STEPS);
  gc();
  const before = process.memoryUsage().rss / 2 ** 20;
  const clock = new ManualClock((series[0]?.time[WARM] as number) + M);
  const feed = new ReplayFeed(series, M, clock);
  const session = new TradingSession({
    session: "bench",
    slots: series.map((s) => ({
      symbol: s.symbol,
      strategy: loadStrategy("sma-cross"),
      instrument: defaultInstrument(s.symbol),
    })),
    timeframe: "1m",
    cash: 1_000_000,
    feed,
    store: discard,
    clock,
    warmupBars: WARM,
    buildShield: () => createRiskRuntime(riskConfigSchema.parse({}), { store: new MemoryStateStore() }).shield,
  });
  await session.start();
  // One bar a minute, as live: each step's commit runs before the next bar arrives.
  for (let i = WARM; i < WARM + STEPS; i++) {
    feed.deliverUntil((series[0]?.time[i] as number) + M);
    await session.flushed();
  }
  gc();
  const usage = process.memoryUsage();
  await session.stop();
  return {
    rssMb: usage.rss / 2 ** 20,
    baselineMb: before,
    heapMb: usage.heapUsed / 2 ** 20,
    arrayBuffersMb: usage.arrayBuffers / 2 ** 20,
    steps: session.steps,
  };
}

if (process.argv.includes("--memory")) {
  process.stdout.write(JSON.stringify(await sessionMemory(100)));
}

export async function run(log: (line: string) => void): Promise<string> {
  const rows: string[] = [];
  for (const n of [1, 100]) {
    stepLatency(n); // warm-up run for the JIT
    const r = stepLatency(n);
    log(`runtime: ${n} symbol(s): p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms per step, ${r.orders} orders`);
    rows.push(
      `| ${n} | ${STEPS} | ${r.orders} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.p99 / n).toFixed(4)} |`,
    );
  }
  // In a fresh process: the latency runs above leave memory the allocator does not give back.
  const memory = JSON.parse(
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--memory"], {
      encoding: "utf8",
    }),
  ) as Awaited<ReturnType<typeof sessionMemory>>;
  log(`runtime: paper session, 100 symbols, ${memory.steps} steps: rss ${memory.rssMb.toFixed(0)} MB`);
  return [
    "## Trading runtime",
    "",
    "Closed bar → orders handed to the venue (one synchronous time step: streaming indicators, sma-cross 3/8, the",
    "default risk shield, order manager, simulated venue), network and store excluded.",
    "",
    "| symbols per step | steps | orders | p50 ms per step | p99 ms per step | p99 ms per symbol |",
    "|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    `Paper session with 100 symbols after ${memory.steps} one-minute steps (${WARM} warm-up bars each; store writes`,
    `discarded), measured in a fresh process: resident memory ${memory.rssMb.toFixed(0)} MB (${memory.baselineMb.toFixed(0)} MB before the session started), JS heap ${memory.heapMb.toFixed(0)} MB,`,
    `typed-array buffers ${memory.arrayBuffersMb.toFixed(0)} MB (the process also holds the generated test markets).`,
    "",
  ].join("\n");
}
