import type { CandleSeries } from "../../domain/candles.js";
import type { ClosedTrade, EquityCurve } from "../../domain/trade.js";
import type { Metrics } from "../metrics/metric-definitions.js";
import type { ValueAtRisk } from "../metrics/value-at-risk.js";
import type { RiskEffect } from "../risk-effect.js";
import { escapeHtml, jsonForScript } from "./html-escape.js";
import { inlineScript, lightweightChartsScript } from "./lightweight-charts-bundle.js";
import { monthlyReturns, yearlyReturns } from "./monthly-returns.js";
import { REPORT_CLIENT_SCRIPT } from "./report-client-script.js";
import { buildReportPayload, type IndicatorOverlay, MAX_CHART_POINTS } from "./report-data.js";
import { renderRiskEffect, renderValueAtRisk } from "./report-risk-sections.js";
import {
  type ReportMeta,
  renderContext,
  renderMetrics,
  renderMonthlyReturns,
  renderTrades,
  utcMinute,
} from "./report-sections.js";
import { REPORT_STYLES } from "./report-styles.js";

export type { ReportMeta } from "./report-sections.js";

/** The trades table lists at most this many rows by default; the charts mark every trade. */
export const MAX_TRADE_ROWS = 500;

export interface ReportInput {
  readonly title: string;
  /** When the report was made, Unix ms; injected so the same run renders the same bytes. */
  readonly generatedAt: number;
  /** One candle series per symbol, drawn with that symbol's trades. */
  readonly series: readonly CandleSeries[];
  readonly trades: readonly ClosedTrade[];
  readonly equity: EquityCurve;
  /** Buy-and-hold equity aligned with equity.time. */
  readonly benchmark?: { readonly label: string; readonly equity: Float64Array } | undefined;
  readonly metrics: Metrics;
  readonly meta: ReportMeta;
  readonly maxTradeRows?: number;
  /** Cap on points per equity/drawdown chart (min/max per bucket are kept); default 5,000. */
  readonly maxChartPoints?: number;
  /** Cap on candles per symbol (longer series are merged); default 10,000. */
  readonly maxCandles?: number;
  /** Price increment per symbol, for the decimals prices are shown with; default from the lowest close. */
  readonly tickSize?: (symbol: string) => number | undefined;
  /** The strategy's own indicators, drawn over the candles. */
  readonly overlays?: readonly IndicatorOverlay[];
  /** What the risk shield did; undefined when it was off. */
  readonly risk?: RiskEffect | undefined;
  readonly valueAtRisk?: (ValueAtRisk & { readonly basis: string }) | undefined;
  /** Which returns the annualized metrics come from (per bar, or daily for mixed bar lengths). */
  readonly calendarNote?: string | undefined;
}

const client = inlineScript(REPORT_CLIENT_SCRIPT);

/**
 * Renders a backtest as one self-contained HTML document: context header (sample, costs, data range, seed,
 * hashes), metrics, a candlestick chart per symbol with entry/exit markers, equity vs buy-and-hold, drawdown,
 * monthly returns and the trades table. lightweight-charts and the data are inlined, so the file opens offline; a
 * Content-Security-Policy allows only those two exact scripts (by hash) and no network at all.
 *
 * For large runs the page stays light: candles are sent as delta-encoded columns, and the equity and drawdown
 * curves are downsampled to `maxChartPoints` keeping each bucket's min and max (the drawdown is computed at full
 * resolution first), so the deepest drawdown is always drawn. Deterministic: the same input gives the same bytes.
 */
export function renderReport(input: ReportInput): string {
  if (!Number.isFinite(input.generatedAt))
    throw new RangeError(`generatedAt must be Unix ms, got ${input.generatedAt}`);
  const payload = buildReportPayload({
    series: input.series,
    trades: input.trades,
    equity: input.equity,
    benchmark: input.benchmark,
    maxChartPoints: input.maxChartPoints ?? MAX_CHART_POINTS,
    ...(input.maxCandles !== undefined ? { maxCandles: input.maxCandles } : {}),
    ...(input.tickSize ? { tickSize: input.tickSize } : {}),
    ...(input.overlays ? { overlays: input.overlays } : {}),
  });
  const library = lightweightChartsScript();
  const precision = new Map(payload.candles.map((c) => [c.symbol, c.precision]));
  // A trade on a symbol without candles gets the default 2 decimals.
  const precisionOf = (symbol: string) => precision.get(symbol) ?? 2;
  const uncharted = input.trades.filter((t) => !precision.has(t.symbol)).length;
  const csp = [
    "default-src 'none'",
    `script-src ${library.cspHash} ${client.cspHash}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
  ].join("; ");

  const mixedTimeframes = new Set(payload.candles.map((c) => c.timeframe)).size > 1;
  const candleCharts = payload.candles
    .map(
      (c, i) =>
        // The page title names a timeframe shared by every chart; only a mixed run repeats it per chart.
        `<h3>${escapeHtml(c.symbol)}${c.timeframe && mixedTimeframes ? ` ${escapeHtml(c.timeframe)}` : ""}</h3>` +
        (c.barsPerCandle > 1
          ? `<p class="caption">Each candle merges ${c.barsPerCandle.toLocaleString("en-US")} bars (open of the first, highest high, lowest low, close of the last) so that the page stays light; trades.csv and equity.csv have every bar.</p>`
          : "") +
        `<div class="chart-box"><div class="legend"></div><div class="tooltip" hidden></div>` +
        `<div class="chart" id="candles-${i}"></div></div>`,
    )
    .join("");
  const equityPoints = payload.equity.time.length;
  const downsampled = (shown: number, full: number) =>
    shown < full
      ? `Drawn from ${shown.toLocaleString("en-US")} of ${full.toLocaleString("en-US")} samples: the curve is cut into equal buckets and each bucket's lowest and highest points are kept, so no dip or peak is lost.`
      : `All ${full.toLocaleString("en-US")} samples drawn.`;
  const benchmarkKey =
    input.benchmark === undefined
      ? ""
      : `<span class="swatch" style="background: var(--bench)"></span>${escapeHtml(input.benchmark.label)}`;

  const body = `<main>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p class="subtitle">Backtest of ${escapeHtml(input.meta.strategy)}, ${escapeHtml(utcMinute(input.meta.dataRange.from))} → ${escapeHtml(utcMinute(input.meta.dataRange.to))}</p>
<nav><a href="#metrics">Metrics</a><a href="#risk">Risk</a><a href="#price">Price &amp; trades</a><a href="#equity">Equity</a><a href="#drawdown">Drawdown</a><a href="#monthly">Monthly returns</a><a href="#trades">Trades</a></nav>
${renderContext(input.meta, input.series, input.generatedAt)}
</header>
<section id="metrics"><h2>Metrics</h2>${input.calendarNote ? `<p class="caption">Annualized figures: ${escapeHtml(input.calendarNote)}.</p>` : ""}${renderMetrics(input.metrics)}</section>
<section id="risk"><h2>Risk shield and value at risk</h2>${renderRiskEffect(input.risk)}${renderValueAtRisk(input.valueAtRisk)}</section>
<section id="price"><h2>Price and trades</h2>
<p class="key">▲/▼ entry (long/short), ● exit (green: profit, red: loss); a number beside a marker counts the trades it stands for when they are too close to tell apart at this zoom. Lines: the strategy's own indicators. Hover a marker's bar for side, price and PnL; scroll to zoom. Times in UTC.${
    uncharted > 0 ? ` ${uncharted} trade(s) are on symbols without a candle series and are only in the table.` : ""
  }</p>
${candleCharts || '<p class="muted">No candle series.</p>'}</section>
<section id="equity"><h2>Equity vs buy and hold</h2>
<p class="key"><span class="swatch" style="background: var(--accent)"></span>Strategy${benchmarkKey}</p>
<div class="chart-box"><div class="legend"></div><div class="chart" id="equity-chart"></div></div>
<p class="caption">${downsampled(equityPoints, payload.equity.fullLength)} Log scale when the curve spans more than 5×.</p></section>
<section id="drawdown"><h2>Drawdown (underwater)</h2>
<p class="key"><span class="swatch" style="background: var(--down)"></span>Strategy${benchmarkKey}: percent below the running equity peak.</p>
<div class="chart-box short"><div class="legend"></div><div class="chart" id="drawdown-chart"></div></div>
<p class="caption">${downsampled(payload.drawdown.time.length, payload.drawdown.fullLength)}</p></section>
<section id="monthly"><h2>Monthly returns</h2>
${renderMonthlyReturns(monthlyReturns(input.equity), yearlyReturns(input.equity))}
<p class="caption">Calendar months in UTC: last equity of the month vs last equity of the previous month (the first month vs the first sample). Year = last equity of the year vs the previous year's.</p></section>
<section id="trades"><h2>Trades</h2>${renderTrades(input.trades, input.maxTradeRows ?? MAX_TRADE_ROWS, precisionOf)}</section>
<footer>Generated by Aegis at ${escapeHtml(utcMinute(input.generatedAt))}. Charts: TradingView Lightweight Charts™ (Apache-2.0), inlined.</footer>
</main>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(input.title)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
${body}
<script type="application/json" id="aegis-data">${jsonForScript(payload)}</script>
<script>${library.code}</script>
<script>${client.code}</script>
</body>
</html>
`;
}
