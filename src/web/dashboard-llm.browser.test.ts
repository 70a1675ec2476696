import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MACRO_RISK_KEY } from "../risk/context/macro.js";
import {
  CHROMIUM,
  type DashboardHarness,
  dashboardHarness,
  launchChromium,
  TEST_TOKEN,
} from "../server/testing/dashboard-harness.js";

if (!existsSync(CHROMIUM))
  console.warn(`dashboard-llm.browser.test: skipped, no Chromium at ${CHROMIUM} (apt install chromium)`);

const keepScreenshots = process.env.AEGIS_SCREENSHOTS;

describe.skipIf(!existsSync(CHROMIUM))("dashboard: LLM page, lifecycle and macro controls, guarded live stream", () => {
  let harness: DashboardHarness;
  let guarded: DashboardHarness;
  let context: BrowserContext;
  let workDir: string;
  let page: Page;
  const consoleErrors: string[] = [];
  let advisorId: number;
  let decisionKey: string;

  const shot = (name: string) =>
    page.screenshot({ path: path.join(keepScreenshots ?? workDir, `${name}.png`), fullPage: true });
  async function go(hash: string) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.waitForFunction(
      `window.aegisDashboard.ready === true && window.aegisDashboard.page === ${JSON.stringify(hash.slice(2))}`,
    );
  }
  const resultIs = (id: string, cls: string) =>
    page.waitForFunction(`document.querySelector("#${id}")?.className.includes(${JSON.stringify(cls)})`);

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "aegis-dashboard-llm-"));
    harness = await dashboardHarness({ tradedTo: 300 });
    const { store } = harness.fx;
    const decision = (await store.decisions.range()).find((d) => d.outcome === "orders-sent")!;
    decisionKey = decision.decisionKey;
    advisorId = await store.llm.insert({
      time: decision.time,
      role: "advisor",
      model: "qwen2.5:7b",
      prompt: `Trade ${decision.symbol}? Headline: <img src=x onerror="window.__xss=1">`,
      response: `{"action":"hold","reasoning":"<script>window.__xss=2</script>"}`,
      latencyMs: 812,
      promptTokens: 420,
      completionTokens: 31,
      costUsd: 0.0004,
      decisionKey,
    });
    await store.llm.insert({
      time: decision.time + 1,
      role: "auditor",
      model: "qwen2.5:7b",
      prompt: "Audit",
      latencyMs: 30_000,
      error: "timeout after 30000 ms",
    });
    const now = harness.fx.ctx.now();
    await store.strategies.upsert({ id: "ema-v2", name: "EMA v2", source: "evolver", spec: {} }, "evolver", now);
    for (const to of ["backtested", "validated", "shadow", "awaiting-approval"] as const)
      await store.strategies.transition("ema-v2", to, "evolver", "gates passed", now);
    await store.strategies.upsert({ id: "old-rsi", name: "Old RSI", source: "user", spec: {} }, "ada", now);
    context = await launchChromium(path.join(workDir, "profile"));
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`page: ${e.message}`));
    await page.goto(`${harness.url}/`);
    await page.waitForFunction("window.aegisDashboard && window.aegisDashboard.ready === true");
    await page.fill("#token", TEST_TOKEN);
    await page.dispatchEvent("#token", "change");
    await page.fill("#actor", "grace");
    await page.dispatchEvent("#actor", "change");
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await harness?.close();
    await guarded?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("lists LLM exchanges with latency, tokens, cost and error", async () => {
    await go("#/ai/llm");
    const rows = page.locator("#llm-list tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("auditor");
    expect(await rows.nth(0).textContent()).toContain("timeout after 30000 ms");
    const advisor = await rows.nth(1).textContent();
    for (const part of ["advisor", "qwen2.5:7b", "812", "420 → 31", "$0.00040"]) expect(advisor).toContain(part);
    expect(await page.locator("#llm-debates").textContent()).toBe("no debates stored");
    expect(consoleErrors).toEqual([]);
  });

  it("opens an exchange: prompt, response and the decision it influenced side by side, markup shown as text", async () => {
    await page.click(`button[data-open="${advisorId}"]`);
    await page.waitForSelector(`[data-exchange="${advisorId}"]`);
    expect(await page.locator("#llm-prompt").textContent()).toContain('<img src=x onerror="window.__xss=1">');
    expect(await page.locator("#llm-response").textContent()).toContain("<script>window.__xss=2</script>");
    const why = await page.locator("#llm-decision .why").textContent();
    expect(why).toMatch(/^At .* UTC .* because .*orders were sent\.$/);
    expect(await page.locator("#llm-decision details.decision").getAttribute("data-outcome")).toBe("orders-sent");
    expect(await page.locator("main img, main script").count()).toBe(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    await shot("llm");
  });

  it("filters by role and names a bad time range's field", async () => {
    await page.fill("#llm-role", "auditor");
    await page.click('#llm-filters button[type="submit"]');
    await page.waitForFunction('document.querySelectorAll("#llm-list tbody tr").length === 1');
    await page.fill("#llm-role", "");
    await page.fill("#llm-from", "2030-01-02T00:00");
    await page.fill("#llm-to", "2030-01-01T00:00");
    await page.click('#llm-filters button[type="submit"]');
    await page.waitForFunction('document.querySelector("#llm-note")?.className.includes("field-error")');
    expect(await page.locator("#llm-note").textContent()).toContain("query.from");
    // The browser logs the refused request itself; that 400 was the point of this test.
    expect(consoleErrors).toEqual([expect.stringContaining("status of 400")]);
    consoleErrors.length = 0;
  });

  it("approves a strategy after a confirmation; the server records who and the page shows the new status", async () => {
    await go("#/strategies");
    await page.click('button[data-approve="ema-v2"]');
    await page.waitForSelector("dialog#confirm[open]");
    expect(await page.locator("#confirm-text").textContent()).toContain("awaiting-approval");
    await page.click('dialog#confirm button[value="ok"]');
    await resultIs("strategy-result", "ok");
    await page.waitForFunction('document.querySelector("[data-status=\\"ema-v2\\"]")?.textContent === "live-small"');
    const last = (await harness.fx.store.strategies.transitions("ema-v2")).at(-1);
    expect(last).toMatchObject({ fromStatus: "awaiting-approval", toStatus: "live-small", by: "grace" });
    await shot("strategies");
  });

  it("retires only once confirmed: cancel leaves it, confirm retires it", async () => {
    await page.click('button[data-retire="old-rsi"]');
    await page.waitForSelector("dialog#confirm[open]");
    await page.click('dialog#confirm button[value="cancel"]');
    await page.waitForFunction('document.querySelector("#strategy-result")?.textContent?.includes("cancelled")');
    expect((await harness.fx.store.strategies.get("old-rsi"))?.status).toBe("generated");
    await page.click('button[data-retire="old-rsi"]');
    await page.click('dialog#confirm button[value="ok"]');
    await page.waitForFunction('document.querySelector("[data-status=\\"old-rsi\\"]")?.textContent === "retired"');
    expect((await harness.fx.store.strategies.get("old-rsi"))?.status).toBe("retired");
    expect(await page.locator('button[data-retire="old-rsi"]').count()).toBe(0);
  });

  it("clears macro risk after a confirmation, and the shield shows it normal again", async () => {
    const risk = harness.fx.risk;
    risk.set(
      MACRO_RISK_KEY,
      JSON.stringify({ level: "HIGH", symbol: "SPY", change: -0.04, observedAt: 1, reason: "SPY -4.0 % in 1 h" }),
    );
    await go("#/shield");
    expect(await page.locator("#macro-risk-state").textContent()).toBe("HIGH");
    expect(await page.locator("#shield").textContent()).toContain("SPY -4.0 % in 1 h");
    await go("#/controls");
    await page.click('button[data-action="clear"]');
    await page.waitForSelector("dialog#confirm[open]");
    expect(await page.locator("#confirm-text").textContent()).toContain("Clear the global risk HIGH");
    await page.click('dialog#confirm button[value="ok"]');
    await resultIs("control-result", "ok");
    expect(await page.locator("#control-result").textContent()).toContain("macro risk cleared by grace");
    expect(risk.get(MACRO_RISK_KEY)).toBeUndefined();
    await go("#/shield");
    expect(await page.locator("#macro-risk-state").textContent()).toBe("normal");
    expect(consoleErrors).toEqual([]);
  });

  it("with protected reads, the live stream opens only once the token is given", async () => {
    guarded = await dashboardHarness({ tradedTo: 300, protectReads: true });
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${guarded.url}/dashboard/`);
      await fresh.waitForFunction("window.aegisDashboard && window.aegisDashboard.ready === true");
      // sessionStorage is per origin: this server's page starts without a token, and the stream is refused.
      expect(await fresh.evaluate("sessionStorage.getItem('aegis.token')")).toBeNull();
      expect(await fresh.evaluate("window.aegisDashboard.live")).toBe(false);
      expect(guarded.server.app.websocketServer.clients.size).toBe(0);
      await fresh.fill("#token", TEST_TOKEN);
      await fresh.dispatchEvent("#token", "change");
      await fresh.waitForFunction("window.aegisDashboard.live === true");
      expect(guarded.server.app.websocketServer.clients.size).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
