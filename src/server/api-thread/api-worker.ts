import BetterSqlite3 from "better-sqlite3";
import { CamelCasePlugin, Kysely, SqliteDialect } from "kysely";
import type { EngineEvents, EventName } from "../../engine/events.js";
import type { SessionStatus } from "../../engine/trading/session-status.js";
import type { Database } from "../../store/database.js";
import { openStore, parseStoreLocation } from "../../store/open-store.js";
import { StoreSession } from "../../store/store.js";
import { apiRequestHistogram } from "../aegis-metrics.js";
import type { ApiContext } from "../context.js";
import { apiRouteGroups } from "../route-groups.js";
import { createApiServer, type RouteGroup } from "../server.js";
import type { ConfigView } from "../session-control.js";
import { storeDebates } from "../store-debates.js";
import { CandleMirror, type PackedCandles, unpackCandles } from "./candle-mirror.js";
import type { ApiWorkerData, AskWhat, MainToWorker, WorkerToMain } from "./messages.js";
import { ForwardedBus, RemoteMetrics, RemoteReadiness, rebuildError, remoteControl } from "./remote-parts.js";
import { connectToTrading } from "./trading-link.js";

/**
 * The API's thread or process (api-host.ts): Fastify with every route group, over its own store connection, with
 * the live session's parts (status, bus, candles, controls, readiness, metrics, configuration) answered by messages
 * to the trading thread.
 * So HTTP parsing, routing, queries and JSON never run on the thread that turns a closed bar into orders.
 */
const link = await connectToTrading();
const data: ApiWorkerData = link.data;
const tid = link.tid;
const post = (message: WorkerToMain) => link.post(message);

const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 1;
const ask = (question: AskWhat): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    post({ type: "ask", id, ...question });
  });

let status: SessionStatus = data.status;
const bus = new ForwardedBus();
bus.onListen = (names) => post({ type: "listen", names });
const candles = new CandleMirror(async (have) =>
  unpackCandles((await ask({ what: "candles", have })) as PackedCandles),
);
const registry = new RemoteMetrics(ask);
const requestSeconds = apiRequestHistogram(registry);

link.onMessage((message: MainToWorker) => {
  switch (message.type) {
    case "status":
      status = message.status;
      return;
    case "events":
      for (const [name, payload] of message.events) bus.publish(name as EventName, payload as EngineEvents[EventName]);
      post({ type: "ack" });
      return;
    case "answer":
    case "failed": {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.type === "answer") waiting.resolve(message.value);
      else waiting.reject(rebuildError(message.error));
      return;
    }
    case "ping":
      post({ type: "pong", id: message.id });
      return;
    case "beat":
      post({ type: "beat", id: message.id });
      return;
    case "hang":
      // Blocks the event loop for good, as a runaway loop would, without burning a core: only `terminate` ends it.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return;
    case "close":
      void closeServer().finally(() => post({ type: "closed" }));
      return;
  }
});

/** The worker's own connection: read-only on SQLite (the trading thread writes), a small pool on PostgreSQL. */
async function openReads(url: string): Promise<{ session: StoreSession; close: () => Promise<void> }> {
  const location = parseStoreLocation(url);
  if (location.backend === "postgres") {
    const store = await openStore(url, { maxConnections: 4 });
    return { session: store, close: () => store.close() };
  }
  const sqlite = new BetterSqlite3(location.target, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new CamelCasePlugin()],
  });
  return { session: new StoreSession(db), close: () => db.destroy() };
}

/** Routes that read synchronously what lives on the trading thread get it first (candles, /metrics). */
const prefetch: RouteGroup = (app) => {
  app.addHook("onRequest", async (request) => {
    const url = request.url;
    if (url.startsWith("/api/candles") || url.startsWith("/api/equity"))
      await candles.refresh(`${status.steps}|${status.time}`);
    else if (url === "/metrics" || url.startsWith("/metrics?")) await registry.refresh();
  });
};

let closeServer = async (): Promise<void> => {};
const reads = await openReads(data.storeUrl);
const config: ConfigView = {
  source: data.configSource,
  current: async () => (await ask({ what: "config-current" })) as Record<string, unknown>,
  history: async () => (await ask({ what: "config-history" })) as Awaited<ReturnType<ConfigView["history"]>>,
};
const ctx: ApiContext = {
  store: reads.session,
  session: data.session,
  status: () => status,
  bus,
  candles,
  reportDirs: data.reportDirs,
  modelDirs: data.modelDirs,
  dataDir: data.dataDir,
  control: remoteControl(ask),
  readiness: new RemoteReadiness(ask),
  metrics: { registry, requestSeconds, detach: () => {} },
  config,
  debates: storeDebates(reads.session),
  now: Date.now,
};
const server = createApiServer(ctx, [prefetch, ...apiRouteGroups()], {
  host: data.host,
  port: data.port,
  bodyLimit: data.bodyLimit,
  auth: { token: data.token, protectReads: data.protectReads },
});
closeServer = async () => {
  await server.close();
  await reads.close();
};
try {
  post({ type: "listening", url: await server.listen(), ...(tid === undefined ? {} : { tid }) });
} catch (error) {
  await server.close().catch(() => {});
  await reads.close().catch(() => {});
  post({ type: "listen-failed", code: (error as NodeJS.ErrnoException).code, message: (error as Error).message });
}
