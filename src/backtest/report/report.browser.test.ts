import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClosedTrade } from "../../domain/trade.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { renderReport } from "./render-report.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./testing/chromium.js";
import { readCsvGz, reportInputFor, syntheticSeries, tradesAndEquity } from "./testing/report-fixture.js";

const dataFile = fileURLToPath(
  new URL("../../../../shared/data/crypto/binance_spot_BTCUSDT_1h.csv.gz", import.meta.url),
);
/** Kept where AEGIS_SCREENSHOTS points (to look at it), as the dashboard tests do; else in the temp folder. */
const keepScreenshots = process.env.AEGIS_SCREENSHOTS;

if (!existsSync(CHROMIUM))
  console.warn(`report.browser.test: skipped, no Chromium at ${CHROMIUM} (apt install chromium)`);

interface PageState {
  ready: boolean;
  charts: number;
  markerCount: number;
  markedTrades: number;
  clusters: number[];
  expectedMarkers: number;
  tradeCount: number;
}

interface ChartBox {
  id: string;
  canvases: number;
  width: number;
  height: number;
}

/** Evaluated in the page: the size of the first canvas in each chart container. */
const CHART_BOXES = `[...document.querySelectorAll(".chart")].map((el) => {
  const canvas = el.querySelector("canvas");
  const box = canvas ? canvas.getBoundingClientRect() : { width: 0, height: 0 };
  return { id: el.id, canvases: el.querySelectorAll("canvas").length, width: box.width, height: box.height };
})`;

describe.skipIf(!existsSync(CHROMIUM))(`HTML report in headless Chromium (skipped when ${CHROMIUM} is absent)`, () => {
  let context: BrowserContext;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "aegis-report-"));
    context = await chromium.launchPersistentContext(path.join(workDir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [...CHROMIUM_ARGS],
    });
  });

  afterAll(async () => {
    await context?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Opens the report from a file and waits for its script to finish; collects errors and any network request. */
  async function open(html: string, name: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const file = path.join(workDir, name);
    writeFileSync(file, html);
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction("window.aegisReport && window.aegisReport.ready === true", undefined, {
      timeout: 30_000,
    });
    return { page, errors, requests };
  }

  async function expectDrawn(page: Page, chartCount: number): Promise<PageState> {
    const state = (await page.evaluate("window.aegisReport")) as PageState;
    expect(state.charts).toBe(chartCount);
    const boxes = (await page.evaluate(CHART_BOXES)) as ChartBox[];
    expect(boxes).toHaveLength(chartCount);
    for (const box of boxes) {
      expect(box.canvases, box.id).toBeGreaterThan(0);
      expect(box.width, box.id).toBeGreaterThan(100);
      expect(box.height, box.id).toBeGreaterThan(100);
    }
    return state;
  }

  it("draws every chart with an entry and exit marker per trade, without errors or network requests", async () => {
    const series = syntheticSeries("<img src=x onerror=alert(1)>", 3_000, 9, 250);
    const run = tradesAndEquity(series, 25, 10_000, () => "</script><b>x</b>");
    const { page, errors, requests } = await open(
      renderReport(reportInputFor(series, run.trades, run.equity)),
      "synthetic.html",
    );
    const state = await expectDrawn(page, 3);
    expect(state.tradeCount).toBe(25);
    expect(state.markedTrades).toBe(2 * 25);
    expect(state.expectedMarkers).toBe(2 * 25);
    expect(await page.locator("img").count()).toBe(0);
    await page.screenshot({ path: path.join(workDir, "synthetic.png"), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it("clusters 2,000 trades' markers when zoomed out, each trade counted once, and shows exit reasons whole", async () => {
    const series = syntheticSeries("SIM/USDT", 60_000, 4, 30_000);
    const reason = "take-profit (gap through 31,234.56) after a long partial-exit ladder";
    const run = tradesAndEquity(series, 2_000, 10_000, () => reason);
    const { page, errors } = await open(renderReport(reportInputFor(series, run.trades, run.equity)), "many.html");
    const state = await expectDrawn(page, 3);
    expect(state.markedTrades).toBe(2 * 2_000);
    // At most 4 kinds of marker per ~14 px slot of the chart's width: readable, not a smear of 4,000.
    const width = (await page.evaluate(`document.getElementById("candles-0").clientWidth`)) as number;
    expect(state.clusters[0]).toBeLessThanOrEqual(4 * Math.ceil(width / 14) + 4);
    expect(state.markerCount).toBeLessThan(4_000);
    // The reason cell wraps inside the table instead of running past the visible edge.
    const clipped = (await page.evaluate(`(() => {
      const cell = document.querySelector("table.trades tbody td.wrap");
      return cell.scrollWidth > cell.clientWidth + 1 || cell.getBoundingClientRect().right > window.innerWidth;
    })()`)) as boolean;
    expect(clipped).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!sharedDataPresent(dataFile))("renders real BTC/USDT 1h (65k bars) and takes its screenshot", async () => {
    const series = readCsvGz(dataFile, "BTC/USDT");
    const run = tradesAndEquity(series, 30, 10_000, (i) => (i % 4 === 0 ? "stop loss" : "exit signal"));
    const trades: ClosedTrade[] = run.trades;
    const input = reportInputFor(series, trades, run.equity, { title: "BTC/USDT 1h: synthetic trades on real data" });
    const { page, errors, requests } = await open(renderReport(input), "btc.html");
    const state = await expectDrawn(page, 3);
    expect(state.markedTrades).toBe(2 * trades.length);
    await page.screenshot({ path: path.join(keepScreenshots ?? workDir, "aegis-report.png"), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
