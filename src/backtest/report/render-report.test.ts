import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { METRIC_DEFINITIONS } from "../metrics/metric-definitions.js";
import { renderReport } from "./render-report.js";
import type { ReportPayload } from "./report-data.js";
import { reportInputFor, syntheticSeries, tradesAndEquity } from "./testing/report-fixture.js";

function dataOf(html: string): ReportPayload {
  const match = /<script type="application\/json" id="aegis-data">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error("no data script in the report");
  return JSON.parse(match[1] as string) as ReportPayload;
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
}

describe("renderReport", () => {
  const series = syntheticSeries("BTC/USDT", 2_000, 7, 30_000);
  const { trades, equity } = tradesAndEquity(series, 12);
  const html = renderReport(reportInputFor(series, trades, equity));

  it("is one HTML document with every section and chart container", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const id of ["metrics", "price", "equity", "drawdown", "monthly", "trades"]) {
      expect(html).toContain(`<section id="${id}">`);
    }
    for (const id of ["candles-0", "equity-chart", "drawdown-chart"]) expect(html).toContain(`id="${id}"`);
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/); // nothing fetched: fully offline
  });

  it("states how the numbers were obtained: sample, costs, data range, seed and hashes", () => {
    expect(html).toContain("IN-SAMPLE");
    expect(html).toContain("Parameters tuned on 2019-2026.");
    expect(html).toContain("0.10 % per fill (taker)");
    expect(html).toContain("fixed 5 bps");
    expect(html).toContain("2019-01-01 00:00 UTC → 2019-03-25 07:00 UTC");
    expect(html).toContain("<dt>Seed</dt><dd>42</dd>");
    expect(html).toContain("d".repeat(64));
    expect(html).toContain("c".repeat(64));
    expect(html).toContain("fast = 10");
    expect(html).toContain("Generated</dt><dd>2026-11-21 12:00 UTC");
  });

  it("warns when the sample is not stated", () => {
    const input = reportInputFor(series, trades, equity);
    const unstated = renderReport({ ...input, meta: { ...input.meta, sample: { kind: "unspecified" } } });
    expect(unstated).toContain("SAMPLE NOT STATED: treat these results as in-sample");
  });

  it("renders every metric in definition order, with n/a for the ones without a sample", () => {
    let last = -1;
    for (const definition of METRIC_DEFINITIONS) {
      const at = html.indexOf(`data-metric="${definition.key}"`);
      expect(at, definition.key).toBeGreaterThan(last);
      last = at;
    }
    // 12 trades < 30: win rate is n/a, and the note says why.
    expect(html).toMatch(/data-metric="winRate"><dt>Win rate<\/dt><dd><span class="na">n\/a<\/span>/);
    expect(html).toMatch(/<li>[^<]*Win rate[^<]*n\/a/);
    expect(html).toMatch(/data-metric="tradeCount"><dt>Trades<\/dt><dd>12</);
  });

  it("embeds the candles, one entry and exit marker per trade, and the monthly table", () => {
    const data = dataOf(html);
    expect(data.candles[0]!.time).toHaveLength(2_000);
    expect(data.candles[0]!.time.slice(1).every((d) => d === 3600)).toBe(true);
    expect(data.trades).toHaveLength(12);
    expect(data.expectedMarkers).toBe(24);
    expect(html).toMatch(/<table class="monthly">[\s\S]*<th class="text">2019<\/th>/);
    expect(html).toContain("All 12 trades.");
  });

  it("allows exactly its two inline scripts through the Content-Security-Policy", () => {
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(2);
    for (const code of scripts) {
      expect(html).toContain(`'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`);
    }
    expect(html).toContain("default-src 'none'");
  });

  it("renders the same bytes for the same input", () => {
    expect(renderReport(reportInputFor(series, trades, equity))).toBe(html);
  });

  it("escapes a hostile symbol and a reason containing </script>", () => {
    const symbol = "<img src=x onerror=alert(1)>";
    const reason = "</script><script>alert(2)</script>";
    const hostile = syntheticSeries(symbol, 300, 3);
    const run = tradesAndEquity(hostile, 3, 10_000, () => reason);
    const page = renderReport(reportInputFor(hostile, run.trades, run.equity, { title: `Report ${symbol}` }));
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<script>alert");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page.match(/<\/script>/g)).toHaveLength(3); // data, library, client: nothing injected closed one early
    const data = dataOf(page);
    expect(data.candles[0]!.symbol).toBe(symbol);
    expect(data.reasons).toEqual([reason]);
  });

  it("lists the first 500 trades and says how many were left out", () => {
    const many = syntheticSeries("ETH/USDT", 6_000, 11);
    const run = tradesAndEquity(many, 600);
    const page = renderReport(reportInputFor(many, run.trades, run.equity));
    expect(page).toContain("Showing the first 500 of 600 trades; all 600 are marked on the charts.");
    const tbody = /<table class="trades">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)![1]!;
    expect(tbody.match(/<tr>/g)).toHaveLength(500);
    expect(dataOf(page).expectedMarkers).toBe(1_200);
  });

  it("rejects a benchmark that is not aligned with the equity curve", () => {
    const input = reportInputFor(series, trades, equity);
    expect(() => renderReport({ ...input, benchmark: { label: "B&H", equity: new Float64Array(5) } })).toThrow(
      /benchmark "B&H" has 5 values but the equity curve has 2000/,
    );
  });

  it("stays small for 65,700 hourly bars: at most 10,000 merged candles and 5,000 equity and drawdown points", () => {
    const big = syntheticSeries("BTC/USDT", 65_700, 5, 4_000);
    const run = tradesAndEquity(big, 400);
    const page = renderReport(reportInputFor(big, run.trades, run.equity));
    const data = dataOf(page);
    const candles = data.candles[0]!;
    expect(candles.barsPerCandle).toBe(7);
    expect(candles.close).toHaveLength(Math.ceil(65_700 / 7));
    // Merged candles keep the extremes of the bars they merge.
    expect(Math.max(...candles.high)).toBeCloseTo(Math.max(...big.high), 2);
    expect(Math.min(...candles.low)).toBeCloseTo(Math.min(...big.low), 2);
    expect(page).toContain("Each candle merges 7 bars");
    expect(data.equity.time.length).toBeLessThanOrEqual(5_000);
    expect(data.drawdown.time.length).toBeLessThanOrEqual(5_000);
    expect(data.equity.fullLength).toBe(65_700);
    expect(page).toContain("Drawn from ");
    expect(page.length).toBeLessThan(1_500_000);
  });

  it("keeps a 1.2 M-bar run's page under 2 MB, every trade marker on a drawn candle", () => {
    const huge = syntheticSeries("SIM/USDT", 1_200_000, 3, 30_000);
    const run = tradesAndEquity(huge, 1_000);
    const page = renderReport(reportInputFor(huge, run.trades, run.equity));
    const data = dataOf(page);
    const candles = data.candles[0]!;
    expect(candles.close.length).toBeLessThanOrEqual(10_000);
    let t = 0;
    const times = new Set(candles.time.map((d) => (t += d)));
    for (const trade of data.trades) {
      expect(times.has(trade[3])).toBe(true);
      expect(times.has(trade[5])).toBe(true);
    }
    expect(page.length).toBeLessThan(2_000_000);
  });

  it("shows prices with the decimals of the instrument's tick", () => {
    const withTick = dataOf(renderReport(reportInputFor(series, trades, equity, { tickSize: () => 0.5 })));
    expect(withTick.candles[0]!.precision).toBe(1);
    const cents = dataOf(renderReport(reportInputFor(series, trades, equity, { tickSize: () => 0.01 })));
    expect(cents.candles[0]!.precision).toBe(2);
  });

  it("lets the exit reason wrap instead of clipping it, and names the timeframe once", () => {
    expect(html).toMatch(/<td class="text wrap">[^<]+<\/td><\/tr>/);
    expect(html).toMatch(/td\.wrap \{ white-space: normal;/);
    expect(html).toMatch(/<h3>BTC\/USDT<\/h3>/);
  });

  it("draws the strategy's indicator overlays sampled like the candles", () => {
    const values = Float64Array.from(series.close, (c, i) => (i < 5 ? Number.NaN : c * 1.01));
    const data = dataOf(
      renderReport(
        reportInputFor(series, trades, equity, { overlays: [{ symbol: "BTC/USDT", label: "SMA 5", values }] }),
      ),
    );
    const overlay = data.candles[0]!.overlays[0]!;
    expect(overlay.label).toBe("SMA 5");
    expect(overlay.values.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(overlay.values[5]).toBeCloseTo((series.close[5] as number) * 1.01, 2);
  });
});
