/**
 * Dashboard page load in headless Chromium and the read API's throughput, over a paper session (2 markets, 400
 * bars traded) in SQLite on 127.0.0.1: load time from navigation start to the overview drawn with its data (candles
 * with 4 indicators, equity, drawdown, tables), each in a fresh browser context (empty cache); then autocannon on
 * the main read endpoints (10 connections, 5 s each, nothing trading meanwhile).
 * Run: npm run bench -- dashboard
 */

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../src/backtest/report/testing/chromium.js";
import { CHROMIUM, dashboardHarness } from "../src/server/testing/dashboard-harness.js";

const RUNS = 7;
const ENDPOINTS = [
  "/api/status",
  "/api/portfolio",
  "/api/candles/BTC%2FUSDT?timeframe=1h&limit=500&indicators=ema:20,ema:50,bbands:20:2,rsi:14",
  "/api/decisions?limit=50",
  "/api/equity",
  "/api/shield",
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export async function run(log: (line: string) => void): Promise<string> {
  if (!existsSync(CHROMIUM)) return `## Dashboard\n\nnot measured: no Chromium at ${CHROMIUM}\n`;
  const loadBefore = loadavg()[0] ?? 0;
  const harness = await dashboardHarness({ tradedTo: 400 });
  const dir = mkdtempSync(join(tmpdir(), "aegis-bench-dashboard-"));
  const lines: string[] = [];
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
    const loads: number[] = [];
    const contentLoaded: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      let transferred = 0;
      page.on("response", (response) => {
        const length = Number(response.headers()["content-length"] ?? 0);
        transferred += Number.isFinite(length) ? length : 0;
      });
      await page.goto(`${harness.url}/dashboard/`);
      await page.waitForFunction(
        "window.aegisDashboard && window.aegisDashboard.loadedMs > 0 && window.aegisDashboard.candles > 0",
      );
      loads.push((await page.evaluate("window.aegisDashboard.loadedMs")) as number);
      contentLoaded.push(
        (await page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")) as number,
      );
      bytes = transferred;
      await context.close();
      log(`  load ${i + 1}/${RUNS}: ${loads.at(-1)?.toFixed(0)} ms`);
    }
    await browser.close();
    lines.push(
      "| measure | median | min | max |",
      "| --- | --- | --- | --- |",
      `| overview drawn with data (ms) | ${median(loads).toFixed(0)} | ${Math.min(...loads).toFixed(0)} | ${Math.max(...loads).toFixed(0)} |`,
      `| DOMContentLoaded (ms) | ${median(contentLoaded).toFixed(0)} | ${Math.min(...contentLoaded).toFixed(0)} | ${Math.max(...contentLoaded).toFixed(0)} |`,
      "",
      `Bytes with a content-length header per load (page, modules, lightweight-charts, API answers): ${bytes.toLocaleString("en-US")}.`,
      "",
      "| read endpoint | requests/s | p50 ms | p99 ms |",
      "| --- | --- | --- | --- |",
    );
    for (const path of ENDPOINTS) {
      const result = await autocannon({ url: `${harness.url}${path}`, connections: 10, duration: 5 });
      lines.push(
        `| \`${path}\` | ${Math.round(result.requests.average).toLocaleString("en-US")} | ${result.latency.p50} | ${result.latency.p99} |`,
      );
      log(`  ${path}: ${Math.round(result.requests.average)} req/s`);
    }
  } finally {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg()[0] ?? 0;
  return [
    "## Dashboard load and read API",
    "",
    `Headless Chromium (${CHROMIUM}), ${RUNS} loads of /dashboard/ each in a fresh context (no cache), served on 127.0.0.1 by`,
    "the API over a paper session in SQLite (2 markets, 400 hourly bars traded). Load = navigation start → the overview",
    "has drawn candles with 4 indicators, equity, drawdown and its tables. Then autocannon, 10 connections, 5 s per",
    `endpoint, nothing trading meanwhile. Machine: 2 cores shared with other work; load average (1 min) ${loadBefore.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end.`,
    "",
    ...lines,
    "",
  ].join("\n");
}
