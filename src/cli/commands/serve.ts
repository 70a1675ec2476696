import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../../config/load-config.js";
import { configSchema } from "../../config/schema.js";
import { CandleStore } from "../../data/store/candle-store.js";
import { createAegisMetrics } from "../../server/aegis-metrics.js";
import type { ApiContext } from "../../server/context.js";
import { ReadinessRegistry } from "../../server/readiness.js";
import { apiRouteGroups } from "../../server/route-groups.js";
import { candleStoreSource } from "../../server/routes/read-candles.js";
import { createApiServer } from "../../server/server.js";
import { storeConfigView } from "../../server/store-control.js";
import { storeDebates } from "../../server/store-debates.js";
import { openStore } from "../../store/open-store.js";
import { listenOrExplain, parseApiPort, storeCheck, tokenOf } from "../serve-api.js";
import { UsageError } from "../usage-error.js";
import { riskStoreUrl } from "./risk.js";

export interface ServeOptions {
  store?: string;
  session?: string;
  port?: string;
  host?: string;
  reports?: string[];
  models?: string[];
}

/**
 * `aegis serve`: the API and dashboard over a store, read-only (a finished backtest, a stopped bot, another
 * machine's PostgreSQL). Control routes answer 409 "no live session". Runs until Ctrl-C; `signal` lets tests stop it.
 */
export async function serveCommand(
  options: ServeOptions,
  globals: { config?: string },
  signal?: AbortSignal,
): Promise<void> {
  const { config, source } = loadConfig({ file: globals.config });
  const port = parseApiPort(options.port, "--port") ?? config.api.port;
  const host = options.host ?? config.api.host;
  const reportDirs = (options.reports ?? []).map((dir) => resolve(dir));
  for (const dir of reportDirs)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--reports ${dir} is not a folder`);
  const modelDirs = (options.models ?? []).map((dir) => resolve(dir));
  for (const dir of modelDirs)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--models ${dir} is not a folder`);
  // `aegis train ml` writes to ./models/ml by default: the panel shows it unless other folders are named.
  if (modelDirs.length === 0) modelDirs.push(resolve("models"));
  const store = await openStore(options.store ?? riskStoreUrl(config), { mustExist: true }).catch((error: unknown) => {
    throw new UsageError(`cannot open the store: ${(error as Error).message}`);
  });
  let candleStore: CandleStore | undefined;
  try {
    let session = options.session;
    if (session === undefined) {
      const latest = await store.db
        .selectFrom("tradingSessions")
        .select("session")
        .orderBy("updatedAt", "desc")
        .executeTakeFirst();
      session = latest?.session;
    } else if (
      !(await store.db
        .selectFrom("tradingSessions")
        .select("session")
        .where("session", "=", session)
        .executeTakeFirst())
    ) {
      throw new UsageError(`no session named ${session} in ${store.location}`);
    }
    const { token, file } = tokenOf(config.dataDir);
    const readiness = new ReadinessRegistry();
    readiness.register(storeCheck(store));
    const metrics = createAegisMetrics();
    // Charts read the bars `aegis download` stored, when there are any.
    const candlePath = join(config.dataDir, "candles.sqlite");
    candleStore = existsSync(candlePath) ? new CandleStore(candlePath) : undefined;
    const ctx: ApiContext = {
      store,
      session,
      reportDirs,
      modelDirs,
      debates: storeDebates(store),
      ...(candleStore ? { candles: candleStoreSource(candleStore) } : {}),
      dataDir: config.dataDir,
      now: Date.now,
      readiness,
      metrics,
      config: storeConfigView(store, { schema: configSchema, base: config }, source),
    };
    const server = createApiServer(ctx, apiRouteGroups(), {
      host,
      port,
      bodyLimit: config.api.bodyLimit,
      auth: { token, protectReads: config.api.protectReads },
    });
    const url = await listenOrExplain(server, host, port);
    console.log(
      `Aegis serve · ${store.location}${session ? ` · session ${session}` : " · no trading session yet"} · read-only\n` +
        `  dashboard and API: ${url}/ (token for guarded routes in ${file})\n  Ctrl-C stops.`,
    );
    await new Promise<void>((done) => {
      const finish = () => {
        process.off("SIGINT", finish);
        process.off("SIGTERM", finish);
        done();
      };
      process.once("SIGINT", finish);
      process.once("SIGTERM", finish);
      if (signal?.aborted) finish();
      signal?.addEventListener("abort", finish, { once: true });
    });
    await server.close();
    metrics.detach();
  } finally {
    candleStore?.close();
    await store.close();
  }
}
