import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { configSchema } from "../../config/schema.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { CandleSeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { Timeframe } from "../../domain/timeframe.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import type { EmergencyStopRequest } from "../../engine/trading/trading-session.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import type { ApiThread } from "../../server/api-thread/api-thread.js";
import type { HeartbeatOptions } from "../../server/api-thread/heartbeat.js";
import { TOKEN_FILE } from "../../server/auth.js";
import type { ApiServer } from "../../server/server.js";
import { openRiskState, openStore } from "../../store/index.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import { REDACTED_PATHS } from "../logger.js";
import { type RunningApi, startTradeApi } from "../serve-api.js";

export interface ApiSessionOptions {
  readonly symbols?: number;
  readonly bars?: number;
  readonly warmup?: number;
  readonly timeframe?: Timeframe;
  readonly config?: Record<string, unknown>;
  readonly reportDirs?: readonly string[];
  readonly readReplica?: boolean;
  /** true: the API in its worker thread, as `aegis trade` runs it; default false (Fastify on this thread, `inject`). */
  readonly apiThread?: boolean;
  /** The worker's status snapshots: at most one per this many ms. */
  readonly statusEveryMs?: number;
  /** The API worker's watchdog (a hand-driven ticker in tests). */
  readonly heartbeat?: HeartbeatOptions;
  readonly restartDelayMs?: number;
  /** A PostgreSQL URL (an empty database) to trade on instead of a SQLite file in the temp folder. */
  readonly storeUrl?: string;
}

/** The API as the session runs it: its Fastify server on this thread, or its worker thread. */
export type SessionApi<T extends boolean> = T extends true
  ? RunningApi & { readonly thread: ApiThread }
  : RunningApi & { readonly server: ApiServer };

/**
 * A paper session on recorded bars (replay feed, manual clock) with its store in a temp folder and `aegis trade`'s
 * API in front of it, listening on 127.0.0.1 at a free port: what the API tests and the load bench drive.
 */
export async function startApiSession<T extends boolean = false>(
  options: ApiSessionOptions & { readonly apiThread?: T } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "aegis-api-"));
  const timeframe = options.timeframe ?? "1m";
  const barMs = TIMEFRAMES[timeframe];
  const warmup = options.warmup ?? 100;
  const bars = options.bars ?? 600;
  const series: CandleSeries[] = Array.from(
    { length: options.symbols ?? 2 },
    (_, k) => simulateMarket({ seed: 11 + k, bars, symbol: `S${k}/USDT`, timeframe }).series,
  );
  const first = series[0] as CandleSeries;
  const clock = new ManualClock((first.time[warmup] as number) + barMs);
  const feed = new ReplayFeed(series, barMs, clock);
  const store = await openStore(options.storeUrl ?? join(dir, "aegis.sqlite"));
  const riskState = await openRiskState(store);
  const config = configSchema.parse({ dataDir: dir, ...options.config });
  const risk = createRiskRuntime(config.risk, { store: riskState });
  const stops: EmergencyStopRequest[] = [];
  const session = new TradingSession({
    session: "api-test",
    slots: series.map((s) => ({
      symbol: s.symbol,
      strategy: loadStrategy("sma-cross", { fast: 3, slow: 8 }),
      instrument: defaultInstrument(s.symbol),
      size: { type: "percent-equity", value: 100 / series.length / 2 },
    })),
    timeframe,
    cash: 100_000,
    feed,
    store: new StoreSessionStore(store, "sim"),
    clock,
    warmupBars: warmup,
    buildShield: () => risk.shield,
  });
  await session.start();
  const logLines: string[] = [];
  const log = pino(
    { redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const api = await startTradeApi({
    session,
    name: "api-test",
    store,
    risk: riskState,
    config,
    configSource: "test",
    port: 0,
    log,
    now: () => clock.now(),
    onStop: (request) => stops.push(request),
    reportDirs: options.reportDirs,
    ...(options.readReplica === undefined ? {} : { readReplica: options.readReplica }),
    thread: options.apiThread === true,
    ...(options.storeUrl === undefined ? {} : { storeUrl: options.storeUrl }),
    ...(options.statusEveryMs === undefined ? {} : { statusEveryMs: options.statusEveryMs }),
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
    ...(options.restartDelayMs === undefined ? {} : { restartDelayMs: options.restartDelayMs }),
  });
  if ((options.apiThread === true) !== (api.thread !== undefined)) throw new Error("the API did not start as asked");
  const token = readFileSync(join(dir, TOKEN_FILE), "utf8").trim();
  let closed = false;
  return {
    dir,
    series,
    clock,
    feed,
    store,
    riskState,
    session,
    api: api as SessionApi<T>,
    token,
    logLines,
    stops,
    barMs,
    /** Delivers the bars up to index `i` of the first series and waits for their commits. */
    async advanceTo(i: number) {
      feed.deliverUntil((first.time[i] as number) + barMs);
      await session.flushed();
    },
    async close() {
      if (closed) return;
      closed = true;
      await api.close();
      await session.stop();
      await riskState.close().catch(() => {});
      await store.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
