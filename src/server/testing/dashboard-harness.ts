import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../../backtest/report/testing/chromium.js";
import { tradeSessionControl } from "../../cli/session-control.js";
import { configSchema } from "../../config/schema.js";
import type { EmergencyStopRequest } from "../../engine/trading/trading-session.js";
import type { ApiContext } from "../context.js";
import { liveStream } from "../live.js";
import { configRoutes } from "../routes/config.js";
import { controlRoutes } from "../routes/control.js";
import { readRouteGroups } from "../routes/read-all.js";
import { type ApiServer, createApiServer } from "../server.js";
import { storeConfigView } from "../store-control.js";
import { HOUR, type PaperFixture, paperFixture } from "./paper-fixture.js";

export { CHROMIUM };
export const TEST_TOKEN = "test-token-0123456789abcdef0123456789";

export interface DashboardHarness {
  readonly fx: PaperFixture;
  readonly server: ApiServer;
  readonly url: string;
  readonly reportDir: string;
  /** Stops asked for over the API (the real control records them; `aegis trade` would then exit). */
  readonly stops: EmergencyStopRequest[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The bar the session has traded up to before the page opens. */
  readonly tradedTo?: number;
  /** Token-guard the read routes and the live stream too (`api.protectReads`). */
  readonly protectReads?: boolean;
}

/**
 * A paper session traded up to bar `tradedTo`, served as `aegis trade` serves it: every read route, the live
 * stream, the real control and configuration routes over the session's real controls, the token guard; and one
 * backtest run in a report folder.
 */
export async function dashboardHarness(options: HarnessOptions = {}): Promise<DashboardHarness> {
  const fx = await paperFixture({ bars: 600 });
  const reportDir = join(fx.dir, "results");
  mkdirSync(join(reportDir, "btc-sma"), { recursive: true });
  writeFileSync(
    join(reportDir, "btc-sma", "summary.json"),
    JSON.stringify({ metrics: { totalReturn: 0.125, maxDrawdown: 0.081, sharpe: null } }),
  );
  writeFileSync(join(reportDir, "btc-sma", "report.html"), "<!doctype html><h1 id=r>Backtest report</h1>");
  const config = configSchema.parse({ dataDir: fx.dir });
  const stops: EmergencyStopRequest[] = [];
  const ctx: ApiContext = {
    ...fx.ctx,
    reportDirs: [reportDir],
    config: storeConfigView(fx.store, { schema: configSchema, base: config }, "test"),
    control: tradeSessionControl({
      session: fx.session,
      name: fx.ctx.session ?? "paper-web",
      store: fx.store,
      risk: fx.risk,
      config,
      now: fx.ctx.now,
      onStop: (request) => stops.push(request),
    }),
  };
  const first = fx.series[0]!;
  await fx.advance((first.time[options.tradedTo ?? 400] as number) + HOUR);
  const server = createApiServer(ctx, [...readRouteGroups, liveStream(), controlRoutes, configRoutes], {
    auth: { token: TEST_TOKEN, protectReads: options.protectReads ?? false },
  });
  const url = await server.listen();
  return {
    fx,
    server,
    url,
    reportDir,
    stops,
    async close() {
      await server.close();
      await fx.close();
    },
  };
}

/** Headless Debian Chromium with the flags that work on these machines. */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [...CHROMIUM_ARGS],
  });
}
