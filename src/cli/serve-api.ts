import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Logger } from "pino";
import { type AegisConfig, configSchema } from "../config/schema.js";
import { TIMEFRAMES } from "../domain/timeframe.js";
import { type SessionStatus, sessionStatus } from "../engine/trading/session-status.js";
import type { EmergencyStopRequest, TradingSession } from "../engine/trading/trading-session.js";
import type { RiskStateStore } from "../risk/state-store.js";
import { createAegisMetrics } from "../server/aegis-metrics.js";
import { ApiThread } from "../server/api-thread/api-thread.js";
import type { HeartbeatOptions } from "../server/api-thread/heartbeat.js";
import { loadOrCreateToken, TokenFileError } from "../server/auth.js";
import type { ApiContext } from "../server/context.js";
import { openReadReplica } from "../server/read-replica/read-replica.js";
import { ReadinessRegistry } from "../server/readiness.js";
import { apiRouteGroups } from "../server/route-groups.js";
import { sessionCandles } from "../server/routes/read-candles.js";
import { type ApiServer, createApiServer } from "../server/server.js";
import { storeConfigView } from "../server/store-control.js";
import { storeDebates } from "../server/store-debates.js";
import type { Store } from "../store/store.js";
import { tradeSessionControl } from "./session-control.js";
import { UsageError } from "./usage-error.js";

export interface RunningApi {
  readonly url: string;
  readonly tokenFile: string;
  /** The Fastify server when the API runs on this thread (`api.thread: false`, tests, `aegis serve`). */
  readonly server?: ApiServer;
  /** The API's worker thread when it runs in one (the default of `aegis trade` over a store file or PostgreSQL). */
  readonly thread?: ApiThread;
  /** Where more components register their readiness check (alert channels, AI sources). */
  readonly readiness: ReadinessRegistry;
  close(): Promise<void>;
}

/** The store answers a query (the readiness check of every server that has one). */
export function storeCheck(store: Store, healthy: () => boolean = () => true) {
  return {
    name: "store",
    kind: "store" as const,
    async check() {
      if (!healthy()) return { ok: false, detail: `${store.location}: the last step could not be written` };
      await store.db.selectFrom("tradingSessions").select("session").limit(1).execute();
      return { ok: true, detail: `${store.backend} ${store.location}` };
    },
  };
}

/** Listens, turning an address in use into a plain message instead of a Node error. */
export async function listenOrExplain(server: ApiServer, host: string, port: number): Promise<string> {
  try {
    return await server.listen();
  } catch (error) {
    await server.close().catch(() => {});
    throw explainListenError(error, host, port);
  }
}

/** An address in use or unknown as a usage error (exit 2) that says what to do; anything else as it is. */
function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return new UsageError(
      `the API cannot listen on ${host}:${port}: the port is in use; give another --api-port (0 = any free port) or --no-api`,
    );
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new UsageError(`the API cannot listen on ${host}: no such address on this machine`);
  return error;
}

/** `--reports` folders, absolute; one that is not a folder is a usage error (exit 2) naming it. */
export function reportFolders(dirs: readonly string[]): string[] {
  return dirs.map((dir) => {
    const absolute = resolve(dir);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory())
      throw new UsageError(`--reports ${dir} is not a folder`);
    return absolute;
  });
}

export function tokenOf(dataDir: string): { token: string; file: string } {
  try {
    return loadOrCreateToken(dataDir);
  } catch (error) {
    if (error instanceof TokenFileError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `aegis trade`'s API: the routes over the running session (status, controls, readiness, metrics), guarded by the
 * token of the data folder. Called once the session has started; its `close` is part of the bot's stop.
 */
export async function startTradeApi(parts: {
  readonly session: TradingSession;
  readonly name: string;
  readonly store: Store;
  readonly risk: RiskStateStore;
  readonly config: AegisConfig;
  readonly configSource: string;
  readonly port?: number;
  readonly host?: string;
  readonly log: Logger;
  readonly now: () => number;
  readonly onStop: (request: EmergencyStopRequest) => void;
  /** Folders of `aegis backtest --out` results the report viewer may open (`--reports`). */
  readonly reportDirs?: readonly string[];
  /** false: read routes on the trading connection (the bench's comparison); default: a worker for SQLite. */
  readonly readReplica?: boolean;
  /**
   * The whole API (HTTP, routes, WebSocket) in a worker thread with its own store connection; default `api.thread`.
   * Needs a store another connection can open: a SQLite file, or PostgreSQL with `storeUrl` (its URL has the
   * password the store's printable location hides); otherwise the API runs on this thread.
   */
  readonly thread?: boolean;
  readonly storeUrl?: string;
  /** The worker's status snapshots: at most one per this many ms (default 20). */
  readonly statusEveryMs?: number;
  /** Over `api.heartbeatMs` / `api.heartbeatMissed`: the API worker's watchdog (tests tick it by hand). */
  readonly heartbeat?: HeartbeatOptions;
  /** Wait before the API worker starts again after it died or hung (default 200 ms). */
  readonly restartDelayMs?: number;
}): Promise<RunningApi> {
  const { session, config } = parts;
  const api = config.api;
  const host = parts.host ?? api.host;
  const port = parts.port ?? api.port;
  const { token, file } = tokenOf(config.dataDir);
  const status = (): SessionStatus => sessionStatus(session, session.options.clock.now());
  const readiness = new ReadinessRegistry();
  for (const slot of session.options.slots)
    readiness.register({
      name: `feed ${slot.symbol}`,
      kind: "feed",
      check: () => {
        const feed = session.monitor.health()[slot.symbol];
        if (!feed) return { ok: false, detail: "not monitored" };
        const last = feed.lastBar === null ? "no bar yet" : `last bar ${new Date(feed.lastBar).toISOString()}`;
        return { ok: feed.healthy, detail: feed.healthy ? last : `${feed.problems.join(", ")} (${last})` };
      },
    });
  readiness.register({
    name: "venue",
    kind: "venue",
    check: () =>
      session.engine.halted
        ? { ok: false, detail: `halted: ${session.engine.haltReason}` }
        : {
            ok: true,
            detail: `paper: simulated fills in this process; ${session.engine.orders.open().length} open order(s)`,
          },
  });
  readiness.register(storeCheck(parts.store, () => session.storeHealthy));
  const metrics = createAegisMetrics({ bus: session.bus, status, barMs: TIMEFRAMES[session.options.timeframe] });
  const control = tradeSessionControl({
    session,
    name: parts.name,
    store: parts.store,
    risk: parts.risk,
    config,
    now: parts.now,
    onStop: parts.onStop,
  });
  const configView = storeConfigView(parts.store, { schema: configSchema, base: config }, parts.configSource);
  const candles = sessionCandles(session);
  // `aegis train ml` writes to ./models/ml by default: the model panel reads the folder the bot runs in.
  const modelDirs = [resolve("models")];
  const withFallback = async <T>(start: (port: number) => Promise<T>): Promise<T> => {
    try {
      return await start(port);
    } catch (error) {
      // The configured port taken (another bot, a test run): without an explicit --api-port, any free port will do,
      // since the URL is printed. An explicit --api-port is a promise the user relies on, so it fails instead.
      if (parts.port !== undefined || !(error instanceof UsageError) || !/in use/.test(error.message)) throw error;
      parts.log.warn({ port }, "api port in use; listening on a free port");
      return await start(0);
    }
  };
  const threadStore = (parts.thread ?? api.thread) ? threadStoreUrl(parts.store, parts.storeUrl) : undefined;
  if (threadStore !== undefined) {
    const thread = await withFallback((p) =>
      ApiThread.start({
        worker: {
          storeUrl: threadStore,
          session: parts.name,
          reportDirs: parts.reportDirs ?? [],
          modelDirs,
          dataDir: config.dataDir,
          configSource: configView.source,
          host,
          port: p,
          bodyLimit: api.bodyLimit,
          token,
          protectReads: api.protectReads,
        },
        bus: session.bus,
        status,
        candles,
        control,
        config: configView,
        readiness,
        metrics,
        log: parts.log,
        now: parts.now,
        ...(parts.statusEveryMs === undefined ? {} : { statusEveryMs: parts.statusEveryMs }),
        heartbeat: { everyMs: api.heartbeatMs, missedBeats: api.heartbeatMissed, ...parts.heartbeat },
        isolation: api.isolation,
        ...(parts.restartDelayMs === undefined ? {} : { restartDelayMs: parts.restartDelayMs }),
      }).catch((error: unknown) => {
        throw explainListenError(error, host, p);
      }),
    );
    // The URL and where the token is; never the token itself.
    const url = thread.url;
    parts.log.info(
      { url, tokenFile: file, protectReads: api.protectReads, reads: `worker ${api.isolation}`, thread: true },
      "api listening",
    );
    return {
      url,
      tokenFile: file,
      thread,
      readiness,
      close: async () => {
        metrics.detach();
        await thread.close();
      },
    };
  }
  // On this thread: a SQLite store's read routes are still answered by a worker thread, so a slow page never
  // delays a bar; controls, configuration and the readiness check use this thread's connection.
  const replica = parts.readReplica === false ? undefined : openReadReplica(parts.store);
  const ctx: ApiContext = {
    store: replica?.session ?? parts.store,
    session: parts.name,
    status,
    bus: session.bus,
    reportDirs: parts.reportDirs ?? [],
    modelDirs,
    debates: storeDebates(parts.store),
    candles,
    dataDir: config.dataDir,
    now: parts.now,
    readiness,
    metrics,
    config: configView,
    control,
  };
  const build = (p: number) =>
    createApiServer(ctx, apiRouteGroups(), {
      host,
      port: p,
      bodyLimit: api.bodyLimit,
      auth: { token, protectReads: api.protectReads },
    });
  let server = build(port);
  let url: string;
  try {
    url = await withFallback(async (p) => {
      if (p !== port) server = build(p);
      return await listenOrExplain(server, host, p);
    });
  } catch (error) {
    await replica?.close();
    throw error;
  }
  // The URL and where the token is; never the token itself.
  const reads = replica ? "worker thread" : "store connection";
  parts.log.info({ url, tokenFile: file, protectReads: api.protectReads, reads }, "api listening");
  const running = server;
  return {
    url,
    tokenFile: file,
    server: running,
    readiness,
    close: async () => {
      metrics.detach();
      await running.close();
      // The worker is unref'd, so it never holds the process open; closing it ends its connection now.
      await replica?.close();
    },
  };
}

/** Where the API worker opens its own connection: a SQLite file, or PostgreSQL by its full URL; else none. */
function threadStoreUrl(store: Store, storeUrl: string | undefined): string | undefined {
  if (store.backend === "sqlite")
    return store.sqlite && !store.sqlite.memory ? `sqlite:${store.sqlite.name}` : undefined;
  return storeUrl;
}

/** `--api-port`: a whole number 0..65535 (0 = any free port), or undefined for the configured port. */
export function parseApiPort(text: string | undefined, option = "--api-port"): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (text.trim() === "" || !(Number.isInteger(port) && port >= 0 && port <= 65_535))
    throw new UsageError(`${option} must be a port number from 0 to 65535 (0 = any free port), got "${text}"`);
  return port;
}
