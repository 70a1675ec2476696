import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { z } from "zod";
import { CHROMIUM, CHROMIUM_ARGS } from "../../backtest/report/testing/chromium.js";
import type { ApiContext } from "../context.js";
import { liveStream } from "../live.js";
import { BadRequest } from "../route.js";
import { readRouteGroups } from "../routes/read-all.js";
import { type ApiServer, createApiServer, type RouteGroup } from "../server.js";
import { HOUR, type PaperFixture, paperFixture } from "./paper-fixture.js";

export { CHROMIUM };
export const TEST_TOKEN = "test-token-0123456789abcdef";

/** What the test-only control group did, for assertions. */
export interface TestControls {
  paused: boolean;
  config: { risk: { maxDrawdown: number } };
  history: { time: number; by: string; path: string; oldValue: unknown; newValue: unknown }[];
}

/** The settings this stand-in accepts, validated with zod like the real configuration schema. */
const settings: Record<string, z.ZodType> = { "risk.maxDrawdown": z.number().gt(0).max(1) };

/**
 * A stand-in for the write routes the API branch builds (same paths and bodies, token as `Authorization: Bearer`),
 * so the dashboard's controls and configuration page can be tested end to end without that branch.
 */
export function testControlRoutes(state: TestControls, now: () => number): RouteGroup {
  return (app, routes) => {
    const authorized = (header: string | undefined) => header === `Bearer ${TEST_TOKEN}`;
    routes.add(app, {
      method: "POST",
      url: "/api/control/pause",
      summary: "Pause new entries (test stand-in)",
      tags: ["test"],
      access: "write",
      handler: ({ request }, reply) => {
        if (!authorized(request.headers.authorization))
          return reply.code(401).send({ error: "missing or wrong token" });
        state.paused = true;
        return { ok: true, message: "new entries paused" };
      },
    });
    routes.add(app, {
      method: "GET",
      url: "/api/config",
      summary: "Configuration (test stand-in)",
      tags: ["test"],
      access: "read",
      handler: () => ({ config: state.config }),
    });
    routes.add(app, {
      method: "GET",
      url: "/api/config/history",
      summary: "Configuration history (test stand-in)",
      tags: ["test"],
      access: "read",
      handler: () => ({ history: state.history }),
    });
    routes.add(app, {
      method: "PUT",
      url: "/api/config",
      summary: "Change one setting (test stand-in)",
      tags: ["test"],
      access: "write",
      body: z.object({ path: z.string().min(1), value: z.unknown() }).strict(),
      handler: ({ body, request }, reply) => {
        if (!authorized(request.headers.authorization))
          return reply.code(401).send({ error: "missing or wrong token" });
        const schema = settings[body.path];
        if (!schema) throw new BadRequest("body.path", `body.path: unknown setting ${body.path}`);
        const parsed = schema.safeParse(body.value);
        if (!parsed.success)
          throw new BadRequest(body.path, `${body.path}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        const oldValue = state.config.risk.maxDrawdown;
        state.config.risk.maxDrawdown = parsed.data as number;
        state.history.push({ time: now(), by: "dashboard", path: body.path, oldValue, newValue: parsed.data });
        return { ok: true };
      },
    });
  };
}

export interface DashboardHarness {
  readonly fx: PaperFixture;
  readonly server: ApiServer;
  readonly url: string;
  readonly controls: TestControls;
  readonly reportDir: string;
  close(): Promise<void>;
}

/**
 * A paper session traded up to bar `tradedTo`, served with every read route, the live stream, the test control
 * group, and one backtest run in a report folder.
 */
export async function dashboardHarness(tradedTo = 400): Promise<DashboardHarness> {
  const fx = await paperFixture({ bars: 600 });
  const reportDir = join(fx.dir, "results");
  mkdirSync(join(reportDir, "btc-sma"), { recursive: true });
  writeFileSync(
    join(reportDir, "btc-sma", "summary.json"),
    JSON.stringify({ metrics: { totalReturn: 0.125, maxDrawdown: 0.081, sharpe: null } }),
  );
  writeFileSync(join(reportDir, "btc-sma", "report.html"), "<!doctype html><h1 id=r>Backtest report</h1>");
  const ctx: ApiContext = { ...fx.ctx, reportDirs: [reportDir] };
  const first = fx.series[0]!;
  await fx.advance((first.time[tradedTo] as number) + HOUR);
  const controls: TestControls = { paused: false, config: { risk: { maxDrawdown: 0.2 } }, history: [] };
  const server = createApiServer(ctx, [...readRouteGroups, liveStream(), testControlRoutes(controls, ctx.now)]);
  const url = await server.listen();
  return {
    fx,
    server,
    url,
    controls,
    reportDir,
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
