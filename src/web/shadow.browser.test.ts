import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../server/context.js";
import { apiRouteGroups } from "../server/route-groups.js";
import { type ApiServer, createApiServer } from "../server/server.js";
import { CHROMIUM, launchChromium } from "../server/testing/dashboard-harness.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";

if (!existsSync(CHROMIUM))
  console.warn(`shadow.browser.test: skipped, no Chromium at ${CHROMIUM} (apt install chromium)`);

const T0 = Date.UTC(2024, 0, 2, 10);

describe.skipIf(!existsSync(CHROMIUM))("shadow vs live: API and dashboard page over a real SQLite store", () => {
  let dir: string;
  let store: Store;
  let server: ApiServer;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "aegis-shadow-web-"));
    store = await openStore(`sqlite:${path.join(dir, "aegis.sqlite")}`);
    const run = {
      session: "paper",
      strategyId: "evo-7",
      state: '{"secret":"runner snapshot"}',
      stepClose: T0,
      iterations: 120,
      equity: 10_250,
      roi: 0.025,
      sharpe: 1.4,
      liveRoi: 0.004,
      liveSharpe: 0.3,
      ready: true,
      verdict: "Sharpe 1.40 > live 0.30 over 120 iterations",
      pValue: 0.0123,
      pairedDays: 14,
      updatedAt: T0,
    };
    const trade = {
      tradeId: "paper:evo-7:1",
      symbol: "BTC/USDT",
      side: "long" as const,
      qty: 0.1,
      entryTime: T0 - 7_200_000,
      entryPrice: 42_000,
      exitTime: T0 - 3_600_000,
      exitPrice: 42_500,
      pnl: 49.2,
      fees: 0.8,
      exitReason: "<img src=x onerror=alert(1)>",
    };
    await store.shadow.commit([{ run, trades: [trade], liveEquity: 10_040 }]);
    // Another session's candidate in the same store stays out.
    await store.shadow.commit([{ run: { ...run, session: "other", strategyId: "evo-9" }, trades: [], liveEquity: 1 }]);
    const ctx: ApiContext = { store, session: "paper", reportDirs: [], dataDir: dir, now: () => T0 };
    server = createApiServer(ctx, apiRouteGroups());
    url = await server.listen();
    context = await launchChromium(path.join(dir, "profile"));
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`page: ${e.message}`));
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists this session's candidates without the runner's snapshot, and 404s an unknown one", async () => {
    const list = (await (await fetch(`${url}/api/shadow`)).json()) as { runs: Record<string, unknown>[] };
    expect(list.runs.map((r) => r["strategyId"])).toEqual(["evo-7"]);
    expect(list.runs[0]).toMatchObject({ roi: 0.025, liveRoi: 0.004, ready: true, pValue: 0.0123, pairedDays: 14 });
    expect(list.runs[0]?.["state"]).toBeUndefined();
    const one = (await (await fetch(`${url}/api/shadow/evo-7`)).json()) as {
      trades: unknown[];
      equity: { liveEquity: number }[];
    };
    expect(one.trades).toHaveLength(1);
    expect(one.equity.map((e) => e.liveEquity)).toEqual([10_040]);
    expect((await fetch(`${url}/api/shadow/evo-9`)).status).toBe(404);
  });

  it("shows each candidate beside the live strategy and opens its paper trades as text", async () => {
    await page.goto(`${url}/#/ai/shadow`);
    await page.waitForFunction(
      "window.aegisDashboard && window.aegisDashboard.ready === true && window.aegisDashboard.page === 'ai/shadow'",
    );
    const row = (await page.locator("main table tbody tr").first().textContent()) ?? "";
    expect(row).toContain("evo-7");
    expect(row).toContain("+2.50 %");
    expect(row).toContain("+0.40 %");
    expect(row).toContain("ready for approval");
    // The paired test against live, with the days it compared.
    expect(row).toContain("0.0123");
    expect(row).toContain("14");
    await page.locator("main table tbody tr button", { hasText: "evo-7" }).click();
    await page.waitForSelector("#shadow-detail h2");
    expect(await page.locator("#shadow-detail").textContent()).toContain("live equity 10,040.00");
    expect(await page.locator("#shadow-detail").textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator("#shadow-detail img").count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
