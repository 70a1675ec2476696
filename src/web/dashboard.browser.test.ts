import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  type DashboardHarness,
  dashboardHarness,
  launchChromium,
  TEST_TOKEN,
} from "../server/testing/dashboard-harness.js";
import { HOUR } from "../server/testing/paper-fixture.js";

if (!existsSync(CHROMIUM))
  console.warn(`dashboard.browser.test: skipped, no Chromium at ${CHROMIUM} (apt install chromium)`);

/** Set AEGIS_SCREENSHOTS=DIR to keep the screenshots for a look; by default they go to the temp dir and are removed. */
const keepScreenshots = process.env.AEGIS_SCREENSHOTS;

describe.skipIf(!existsSync(CHROMIUM))("dashboard in headless Chromium over a real paper session", () => {
  let harness: DashboardHarness;
  let context: BrowserContext;
  let workDir: string;
  let page: Page;
  const consoleErrors: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: path.join(keepScreenshots ?? workDir, `${name}.png`), fullPage: true });
  const ready = () =>
    page.waitForFunction("window.aegisDashboard && window.aegisDashboard.ready === true", undefined, {
      timeout: 30_000,
    });
  async function go(hash: string) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.waitForFunction(
      `window.aegisDashboard.ready === true && window.aegisDashboard.page === ${JSON.stringify(hash.slice(2).split("?")[0])}`,
    );
  }

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "aegis-dashboard-"));
    harness = await dashboardHarness();
    context = await launchChromium(path.join(workDir, "profile"));
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`page: ${e.message}`));
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await harness?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("loads the overview with no console error and draws candles with overlays, equity and drawdown", async () => {
    await page.goto(`${harness.url}/`);
    await ready();
    await page.waitForFunction("window.aegisDashboard.candles > 0 && window.aegisDashboard.live === true");
    const state = (await page.evaluate("window.aegisDashboard")) as { candles: number; errors: string[] };
    expect(state.candles).toBe(401);
    expect(state.errors).toEqual([]);
    for (const id of ["price-chart", "equity-chart", "drawdown-chart"]) {
      const box = await page.locator(`#${id} canvas`).first().boundingBox();
      expect(box?.width, id).toBeGreaterThan(200);
      expect(box?.height, id).toBeGreaterThan(100);
    }
    expect(await page.locator("#positions table").count()).toBe(1);
    expect(await page.locator("#markets tbody tr").count()).toBe(2);
    expect(await page.locator("#trades tbody tr").count()).toBeGreaterThan(0);
    await shot("overview");
    expect(consoleErrors).toEqual([]);
  });

  it("receives a live bar over WebSocket and draws it on the chart", async () => {
    const before = (await page.evaluate("window.aegisDashboard.candles")) as number;
    const first = harness.fx.series[0]!;
    const barTime = first.time[401] as number;
    await harness.fx.advance(barTime + HOUR);
    await page.waitForFunction(`window.aegisDashboard.lastBar === ${barTime}`);
    expect(await page.evaluate("window.aegisDashboard.candles")).toBe(before + 1);
    expect(consoleErrors).toEqual([]);
  });

  it("switches symbol and shows that market's candles", async () => {
    await page.selectOption("#symbol", "ETH/USDT");
    await page.waitForFunction("document.querySelector('#price-chart + .note')?.textContent?.startsWith('ETH/USDT')");
    expect(await page.locator("#price-chart + .note").textContent()).toContain("ETH/USDT 1h");
  });

  it("names the indicator that is wrong when the indicator list is refused", async () => {
    await page.fill("#indicators", "ema:20,nope:3");
    await page.click("#apply-indicators");
    await page.waitForFunction('document.querySelector("#price-chart + .note.field-error")');
    expect(await page.locator("#price-chart + .note").textContent()).toContain(
      'query.indicators: unknown indicator "nope"',
    );
    await page.fill("#indicators", "ema:20,rsi:14");
    await page.click("#apply-indicators");
    await page.waitForFunction('!document.querySelector("#price-chart + .note.field-error")');
  });

  it("a control fails without the token and works with it", async () => {
    await go("#/controls");
    await page.click('button[data-action="pause"]');
    await page.waitForFunction('document.querySelector("#control-result")?.className.includes("error")');
    expect(await page.locator("#control-result").textContent()).toContain("Refused: no token");
    expect(harness.fx.session.paused).toBeUndefined();
    await page.fill("#token", TEST_TOKEN);
    await page.dispatchEvent("#token", "change");
    await page.click('button[data-action="pause"]');
    await page.waitForFunction('document.querySelector("#control-result")?.className.includes("ok")');
    expect(harness.fx.session.paused?.by).toBe("dashboard");
    expect(await page.evaluate("sessionStorage.getItem('aegis.token')")).toBe(TEST_TOKEN);
    await shot("controls");
  });

  it("asks before a destructive action and does nothing when cancelled", async () => {
    await page.click('button[data-action="stop"]');
    await page.waitForSelector("dialog#confirm[open]");
    expect(await page.locator("#confirm-text").textContent()).toContain("Stop trading");
    await shot("confirm-stop");
    await page.click('dialog#confirm button[value="cancel"]');
    await page.waitForFunction('document.querySelector("#control-result")?.textContent?.includes("cancelled")');
  });

  it("refuses a bad configuration value naming the field, and records a good one in the history", async () => {
    await go("#/config");
    await page.fill("#config-path", "risk.killSwitch.maxDrawdown.pct");
    await page.fill("#config-value", "500");
    await page.click('#config-form button[type="submit"]');
    await page.waitForFunction('document.querySelector("#config-result")?.className.includes("error")');
    expect(await page.locator("#config-result").textContent()).toMatch(
      /^Refused: risk\.killSwitch\.maxDrawdown\.pct: (?!risk\.)/,
    );
    expect(await harness.fx.store.config.history()).toEqual([]);
    await shot("config-refused");
    await page.fill("#config-value", "30");
    await page.click('#config-form button[type="submit"]');
    await page.waitForFunction('document.querySelector("#config-result")?.className.includes("ok")');
    await page.waitForFunction('document.querySelectorAll("#config-history tbody tr td").length > 1');
    expect(await page.locator("#config-history tbody").textContent()).toContain("risk.killSwitch.maxDrawdown.pct");
    const history = await harness.fx.store.config.history();
    expect(history.map((c) => [c.key, c.newValue, c.by])).toEqual([
      ["risk.killSwitch.maxDrawdown.pct", 30, "dashboard"],
    ]);
    await shot("config");
  });

  it("the decision log says in plain words why it traded, and filters by outcome", async () => {
    await go("#/decisions");
    expect(await page.locator("details.decision").count()).toBeGreaterThan(0);
    await page.selectOption("#filter-outcome", "orders-sent");
    await page.click('#decision-filters button[type="submit"]');
    await page.waitForFunction(
      "document.querySelector('#decision-list details')?.getAttribute('data-outcome') === 'orders-sent'",
    );
    const outcomes = await page
      .locator("details.decision")
      .evaluateAll((els) =>
        els.map((e) => (e as { getAttribute(name: string): string | null }).getAttribute("data-outcome")),
      );
    expect(new Set(outcomes)).toEqual(new Set(["orders-sent"]));
    const why = await page.locator("details.decision .why").first().textContent();
    expect(why).toMatch(/^At .* UTC .* because .*orders were sent\.$/);
    await page.locator("details.decision summary").first().click();
    await shot("decisions");
  });

  it("the shield panel shows the kill switch, the context multipliers and every layer", async () => {
    await go("#/shield");
    expect(await page.locator("#kill-switch-state").textContent()).toBe("armed, not tripped");
    const text = await page.locator("#shield").textContent();
    for (const layer of ["macro-risk", "whale-inflow", "sentiment", "kill-switch"]) expect(text).toContain(layer);
    await shot("shield");
  });

  it("opens a backtest report in a sandboxed frame", async () => {
    await go("#/reports");
    await page.getByRole("button", { name: "report.html" }).click();
    const frame = page.frameLocator("iframe.report");
    expect(await frame.locator("#r").textContent()).toBe("Backtest report");
    expect(await page.locator("iframe.report").getAttribute("sandbox")).toBe("allow-scripts");
  });

  it("shows text from the store as text: markup in a decision or a verdict is never run", async () => {
    const evil = `<img src=x onerror="window.__xss=1">`;
    const time = (harness.fx.series[0]!.time[599] as number) + HOUR;
    await harness.fx.store.decisions.insert({
      time,
      symbol: "BTC/USDT",
      strategyId: "sma-cross",
      action: "buy",
      outcome: "rejected",
      reason: evil,
      votes: [
        {
          source: "<script>window.__xss=2</script>",
          symbol: "BTC/USDT",
          action: "buy",
          confidence: 1,
          reasons: [evil],
        },
      ],
      verdicts: [
        {
          order: "o",
          approved: false,
          quantity: 0,
          verdicts: [{ layer: "<b>evil</b>", verdict: "deny", reason: evil }],
        },
      ],
      decisionKey: `paper-web|sma-cross|BTC/USDT|${time}`,
    });
    await go("#/decisions");
    expect(await page.locator("details.decision .why").first().textContent()).toContain(evil);
    await go("#/shield");
    expect(await page.locator("#shield").textContent()).toContain("<b>evil</b>");
    expect(await page.locator("main img, main b, main script").count()).toBe(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
  });

  it("fits a phone's screen: the controls are reachable without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await go("#/controls");
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    const stop = await page.locator('button[data-action="stop"]').boundingBox();
    expect(stop && stop.x + stop.width).toBeLessThanOrEqual(390);
    await shot("phone-controls");
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it("has a real page behind every AI link: none is marked as coming soon", async () => {
    expect(await page.locator("nav a.soon").count()).toBe(0);
    for (const hash of ["#/ai/evolution", "#/ai/red-team"]) {
      await go(hash);
      expect(await page.locator("main h1").textContent(), hash).toMatch(/Evolution history|Red-team audit log/);
      expect(await page.locator("[data-placeholder]").count(), hash).toBe(0);
    }
  });
});
