import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../server/context.js";
import { apiRouteGroups } from "../server/route-groups.js";
import { type ApiServer, createApiServer } from "../server/server.js";
import { storeDebates } from "../server/store-debates.js";
import { CHROMIUM, launchChromium } from "../server/testing/dashboard-harness.js";
import { HOSTILE, hash, seedEvolutionHistory, T0 } from "../server/testing/evolution-history.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";

if (!existsSync(CHROMIUM))
  console.warn(`evolution-red-team.browser.test: skipped, no Chromium at ${CHROMIUM} (apt install chromium)`);

const keepScreenshots = process.env.AEGIS_SCREENSHOTS;

describe.skipIf(!existsSync(CHROMIUM))(
  "evolution history and red-team audit log pages over a real SQLite store",
  () => {
    let dir: string;
    let store: Store;
    let emptyStore: Store;
    let server: ApiServer;
    let empty: ApiServer;
    let url: string;
    let emptyUrl: string;
    let context: BrowserContext;
    let page: Page;
    const consoleErrors: string[] = [];

    const shot = (name: string) =>
      page.screenshot({ path: path.join(keepScreenshots ?? dir, `${name}.png`), fullPage: true });
    async function visit(base: string, hash: string) {
      await page.goto(`${base}/${hash}`);
      await page.waitForFunction(
        `window.aegisDashboard && window.aegisDashboard.ready === true && window.aegisDashboard.page === ${JSON.stringify(hash.slice(2).split("?")[0])}`,
      );
    }

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), "aegis-evolution-web-"));
      store = await openStore(`sqlite:${path.join(dir, "aegis.sqlite")}`);
      await seedEvolutionHistory(store, path.join(dir, "results"));
      const base = { session: "paper", dataDir: dir, now: () => T0 };
      const ctx: ApiContext = { ...base, store, reportDirs: [path.join(dir, "results")], debates: storeDebates(store) };
      server = createApiServer(ctx, apiRouteGroups());
      url = await server.listen();
      emptyStore = await openStore(`sqlite:${path.join(dir, "empty.sqlite")}`);
      empty = createApiServer({ ...base, store: emptyStore, reportDirs: [] }, apiRouteGroups());
      emptyUrl = await empty.listen();
      context = await launchChromium(path.join(dir, "profile"));
      page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => consoleErrors.push(`page: ${e.message}`));
    }, 120_000);
    afterAll(async () => {
      await context?.close();
      await server?.close();
      await empty?.close();
      await store?.close();
      await emptyStore?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("evolution: draws the report's fitness curve and lists the stored strategies with generation and fitness", async () => {
      await visit(url, "#/ai/evolution");
      const best = await page.locator('[data-report="0/evo-btc"] polyline[data-series="best"]').getAttribute("points");
      expect(best?.split(" ")).toHaveLength(3);
      expect(await page.locator('[data-report="0/evo-btc"]').textContent()).toContain("1 of 2 finalists passed");
      const rows = page.locator("#evo-list tbody tr");
      expect(await rows.count()).toBe(6);
      const grandchild = (await page.locator(`#evo-list tr:has(button[data-open="${hash(4)}"])`).textContent()) ?? "";
      for (const part of ["ema×rsi grandchild", "evolver", "awaiting-approval", "0.910", hash(3).slice(0, 12)])
        expect(grandchild).toContain(part);
      expect(await page.locator(`#evo-list tr:has(button[data-open="${hash(2)}"])`).textContent()).toContain(
        "unranked",
      );
      expect(consoleErrors).toEqual([]);
    });

    it("evolution: opens a strategy's moves with their numbers and its lineage", async () => {
      await page.click(`button[data-open="${hash(4)}"]`);
      await page.waitForSelector("#evo-detail table");
      const moves = await page.locator("#evo-detail section").first().textContent();
      for (const part of ["validated → shadow", "ada", "p-value 0.0123", "✓ holdout Sharpe 1.42 (> 0.5)", "DSR 0.97"])
        expect(moves).toContain(part);
      const lineage = page.locator("#evo-detail section").nth(1).locator("tbody tr");
      expect(await lineage.count()).toBe(4);
      expect(await lineage.nth(3).textContent()).toContain("ema gen0 a");
      await shot("evolution");
      expect(consoleErrors).toEqual([]);
    });

    it("red team: logs verdicts, audits and debates newest first, markup in a reason shown as text", async () => {
      await visit(url, "#/ai/red-team");
      const rows = page.locator("#rt-list tbody tr");
      expect(await rows.count()).toBe(10);
      expect(await rows.nth(0).textContent()).toContain("HOLD at confidence 0.55");
      expect(await rows.nth(1).textContent()).toContain("add an ADX filter");
      const retired = (await page.locator(`#rt-list tr:has-text("${hash(5).slice(0, 12)}")`).textContent()) ?? "";
      expect(retired).toContain("failed · blacklisted");
      expect(retired).toContain("✗ holdout trades 3 (>= 30)");
      expect(await page.locator("main").textContent()).toContain(HOSTILE);
      expect(await page.locator("main img").count()).toBe(0);
      expect(await page.evaluate("window.__xss")).toBeUndefined();
      expect(await page.locator("#rt-blacklist tbody tr").count()).toBe(2);
      await shot("red-team");
      expect(consoleErrors).toEqual([]);
    });

    it("red team: filters by verdict and strategy, and links a debate to its transcript on the LLM page", async () => {
      await page.selectOption("#rt-verdict", "failed");
      await page.click('#rt-filters button[type="submit"]');
      await page.waitForFunction('document.querySelectorAll("#rt-list tbody tr").length === 2');
      await page.selectOption("#rt-verdict", "");
      await page.fill("#rt-strategy", hash(7).slice(0, 8));
      await page.click('#rt-filters button[type="submit"]');
      await page.waitForFunction('document.querySelectorAll("#rt-list tbody tr").length === 4');
      await page.locator("#rt-list a[data-debate]").first().click();
      await page.waitForFunction("window.aegisDashboard.ready === true && window.aegisDashboard.page === 'ai/llm'");
      await page.waitForSelector("#debate-transcript .turn");
      expect(await page.locator("#debate-transcript").textContent()).toContain("the stop fires on noise");
      expect(consoleErrors).toEqual([]);
    });

    it("an empty store says plainly that nothing is there yet and which command fills each page", async () => {
      await visit(emptyUrl, "#/ai/evolution");
      expect(await page.locator("#evo-empty").textContent()).toContain("aegis evolve --data FILE --store");
      expect(await page.locator("#evo-no-report").textContent()).toContain("aegis evolve --out DIR");
      await shot("evolution-empty");
      await visit(emptyUrl, "#/ai/red-team");
      expect(await page.locator("#rt-empty").textContent()).toMatch(/^Nothing yet\. No gate verdict.*aegis evolve/);
      expect(await page.locator("#rt-blacklist").textContent()).toContain("no spec blacklisted");
      await shot("red-team-empty");
      expect(consoleErrors).toEqual([]);
    });
  },
);
