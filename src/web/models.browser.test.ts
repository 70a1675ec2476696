import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../server/context.js";
import { apiRouteGroups } from "../server/route-groups.js";
import { type ApiServer, createApiServer } from "../server/server.js";
import { CHROMIUM, launchChromium } from "../server/testing/dashboard-harness.js";
import { trainingRun } from "../server/testing/training-run.js";

if (!existsSync(CHROMIUM))
  console.warn(`models.browser.test: skipped, no Chromium at ${CHROMIUM} (apt install chromium)`);

describe.skipIf(!existsSync(CHROMIUM))("dashboard model panel in headless Chromium", () => {
  let dir: string;
  let server: ApiServer;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "aegis-models-web-"));
    const root = path.join(dir, "models");
    mkdirSync(path.join(root, "btc"), { recursive: true });
    mkdirSync(path.join(root, "btc-shuffled"), { recursive: true });
    writeFileSync(path.join(root, "btc", "metrics.json"), JSON.stringify(trainingRun("BTC/USDT", false)));
    // A hostile file name or feature never becomes markup: the page builds text nodes only.
    const hostile = {
      ...trainingRun("<img src=x onerror=alert(1)>", true),
      topFeatures: [{ feature: "<b>x</b>", gain: 1 }],
    };
    writeFileSync(path.join(root, "btc-shuffled", "metrics.json"), JSON.stringify(hostile));
    const ctx: ApiContext = {
      store: undefined,
      session: undefined,
      reportDirs: [],
      modelDirs: [root],
      dataDir: dir,
      now: () => 0,
    };
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
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the training runs with out-of-sample figures and opens one with calibration, folds and features", async () => {
    await page.goto(`${url}/#/ai/models`);
    await page.waitForFunction(
      "window.aegisDashboard && window.aegisDashboard.ready === true && window.aegisDashboard.page === 'ai/models'",
    );
    const rows = page.locator("main table tbody tr");
    expect(await rows.count()).toBe(2);
    const first = (await rows.nth(0).textContent()) ?? "";
    expect(first).toContain("BTC/USDT");
    expect(first).toContain("53.0 %"); // accuracy
    expect(first).toContain("0.550"); // AUC
    expect(await rows.nth(1).textContent()).toContain("shuffled (baseline)");
    await page.locator("main table tbody tr button", { hasText: "btc" }).first().click();
    await page.waitForSelector("#model-detail h2");
    expect(await page.locator("#model-detail h2").first().textContent()).toBe("btc · BTC/USDT · 3 features");
    expect(await page.locator("#model-detail").textContent()).toContain("against a base rate of 51.0 %");
    expect(await page.locator("#model-detail table").count()).toBe(3);
    await page.locator("main table tbody tr button", { hasText: "btc-shuffled" }).click();
    await page.waitForFunction("document.querySelector('#model-detail h2')?.textContent.includes('img')");
    expect(await page.locator("#model-detail img, #model-detail b, main td img").count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});
