import type { CandleSeries } from "../../domain/candles.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { formatMetricValue } from "../metrics/format-metrics.js";
import { METRIC_DEFINITIONS, type MetricKey, type Metrics } from "../metrics/metric-definitions.js";
import { escapeHtml } from "./html-escape.js";
import type { MonthlyReturn, YearlyReturn } from "./monthly-returns.js";

/** How the numbers were obtained (ARCHITECTURE principle 5): shown at the top of every report. */
export interface ReportMeta {
  readonly strategy: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Seed of every random source in the run; undefined when the run used none. */
  readonly seed: number | string | undefined;
  readonly dataHash: string;
  readonly configHash: string;
  /** First and last bar time of the data the run saw, Unix ms. */
  readonly dataRange: { readonly from: number; readonly to: number };
  /** Fees assumed, in words ("0.10 % per fill (taker)"). */
  readonly fees: string;
  /** Slippage assumed, in words (SlippageModel.description). */
  readonly slippage: string;
  /** Whether the parameters were chosen on this data. "unspecified" is shown as a warning. */
  readonly sample: { readonly kind: "in-sample" | "out-of-sample" | "unspecified"; readonly note?: string };
}

const SAMPLE_TEXT: Record<ReportMeta["sample"]["kind"], string> = {
  "in-sample": "IN-SAMPLE: parameters were chosen on this data, so expect worse results on new data",
  "out-of-sample": "OUT-OF-SAMPLE: parameters were fixed before this data was seen",
  unspecified: "SAMPLE NOT STATED: treat these results as in-sample",
};

/** Unix ms as "2024-01-31 23:00 UTC". */
export function utcMinute(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function renderContext(meta: ReportMeta, series: readonly CandleSeries[], generatedAt: number): string {
  const symbols = series.map(
    (s) => `${s.symbol}${s.timeframe ? ` ${s.timeframe}` : ""} (${s.length.toLocaleString("en-US")} bars)`,
  );
  const parameters = Object.entries(meta.parameters)
    .map(([key, value]) => `${escapeHtml(key)} = ${escapeHtml(JSON.stringify(value) ?? String(value))}`)
    .join("<br>");
  const rows: [string, string][] = [
    [
      "Sample",
      `<span class="badge ${meta.sample.kind}">${escapeHtml(SAMPLE_TEXT[meta.sample.kind])}</span>${
        meta.sample.note ? ` ${escapeHtml(meta.sample.note)}` : ""
      }`,
    ],
    ["Strategy", escapeHtml(meta.strategy)],
    ["Parameters", parameters === "" ? '<span class="muted">none</span>' : `<span class="mono">${parameters}</span>`],
    ["Data", symbols.length === 0 ? '<span class="muted">no candles</span>' : escapeHtml(symbols.join(", "))],
    ["Data range", `${escapeHtml(utcMinute(meta.dataRange.from))} → ${escapeHtml(utcMinute(meta.dataRange.to))}`],
    ["Fees assumed", escapeHtml(meta.fees)],
    ["Slippage assumed", escapeHtml(meta.slippage)],
    [
      "Seed",
      meta.seed === undefined ? '<span class="muted">none (no randomness)</span>' : escapeHtml(String(meta.seed)),
    ],
    ["Data hash", `<code>${escapeHtml(meta.dataHash)}</code>`],
    ["Config hash", `<code>${escapeHtml(meta.configHash)}</code>`],
    ["Generated", escapeHtml(utcMinute(generatedAt))],
  ];
  return `<dl class="context">${rows.map(([dt, dd]) => `<dt>${dt}</dt><dd>${dd}</dd>`).join("")}</dl>`;
}

const HEADLINE: readonly MetricKey[] = [
  "totalReturn",
  "cagr",
  "maxDrawdown",
  "sharpe",
  "tradeCount",
  "benchmarkReturn",
];
const KINDS = new Map(METRIC_DEFINITIONS.map((d) => [d.key as MetricKey, d.kind]));

function metricValueHtml(metrics: Metrics, key: MetricKey): string {
  const value = metrics[key];
  const text = escapeHtml(formatMetricValue(value, KINDS.get(key) ?? "number"));
  return value === null ? `<span class="na">${text}</span>` : text;
}

/** Headline figures, then every metric in METRIC_DEFINITIONS order with its description as a tooltip, then notes. */
export function renderMetrics(metrics: Metrics): string {
  const labels = new Map(METRIC_DEFINITIONS.map((d) => [d.key as MetricKey, d.label]));
  const headline = HEADLINE.map(
    (key) => `<div><b>${metricValueHtml(metrics, key)}</b><span>${escapeHtml(labels.get(key) ?? key)}</span></div>`,
  ).join("");
  const rows = METRIC_DEFINITIONS.map(
    (d) =>
      `<div title="${escapeHtml(d.description)}" data-metric="${d.key}"><dt>${escapeHtml(d.label)}</dt><dd>${metricValueHtml(metrics, d.key)}</dd></div>`,
  ).join("");
  const notes =
    metrics.notes.length === 0
      ? ""
      : `<ul class="notes">${metrics.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("")}</ul>`;
  return `<div class="headline">${headline}</div><h3>All metrics</h3><dl class="metrics">${rows}</dl>${notes}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function percentCell(fraction: number, scale: number, extraClass = ""): string {
  const pct = fraction * 100;
  const sign = pct > 0 ? "pos" : pct < 0 ? "neg" : "";
  // Shade grows with the size of the move, saturating at `scale`; the text stays the page colour to stay readable.
  const strength = Math.min(1, Math.abs(fraction) / scale);
  const style =
    sign === ""
      ? ""
      : ` style="background: rgba(var(--${sign === "pos" ? "up" : "down"}-rgb), ${(0.1 + 0.5 * strength).toFixed(2)})"`;
  const cls = [sign, extraClass].filter((c) => c !== "").join(" ");
  return `<td${cls === "" ? "" : ` class="${cls}"`}${style}>${pct > 0 ? "+" : ""}${pct.toFixed(2)} %</td>`;
}

/** Year rows × month columns plus the year's total; months without equity samples are blank. */
export function renderMonthlyReturns(months: readonly MonthlyReturn[], years: readonly YearlyReturn[]): string {
  if (years.length === 0) return '<p class="muted">No equity samples.</p>';
  const head = `<tr><th class="text">Year</th>${MONTHS.map((m) => `<th>${m}</th>`).join("")}<th>Year</th></tr>`;
  const byMonth = new Map(months.map((m) => [m.year * 12 + m.month - 1, m.returnPct]));
  const body = years
    .map((y) => {
      const cells = MONTHS.map((_, i) => {
        const r = byMonth.get(y.year * 12 + i);
        return r === undefined ? "<td></td>" : percentCell(r, 0.2);
      }).join("");
      return `<tr><th class="text">${y.year}</th>${cells}${percentCell(y.returnPct, 1, "total")}</tr>`;
    })
    .join("");
  return `<div class="table-wrap"><table class="monthly"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function price(value: number, precision: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: precision, maximumFractionDigits: precision });
}

function signedCell(text: string, value: number): string {
  return `<td class="${value > 0 ? "pos" : value < 0 ? "neg" : ""}">${value > 0 ? "+" : ""}${text}</td>`;
}

/** The first `maxRows` trades as a table, saying how many were left out. */
export function renderTrades(
  trades: readonly ClosedTrade[],
  maxRows: number,
  precisionOf: (symbol: string) => number,
): string {
  if (trades.length === 0) return '<p class="muted">No closed trades.</p>';
  const shown = trades.slice(0, maxRows);
  const head = [
    "#",
    "Symbol",
    "Side",
    "Entry (UTC)",
    "Entry price",
    "Exit (UTC)",
    "Exit price",
    "Quantity",
    "Fees",
    "Net PnL",
    "Return",
    "Bars",
    "Exit reason",
  ]
    .map((h, i) => `<th${i === 1 || i === 2 || i === 12 ? ' class="text"' : ""}>${h}</th>`)
    .join("");
  const body = shown
    .map((t) => {
      const p = precisionOf(t.symbol);
      return [
        `<tr><td>${t.id}</td>`,
        `<td class="text">${escapeHtml(t.symbol)}</td>`,
        `<td class="text">${t.side === "long" ? "long" : "short"}</td>`,
        `<td>${escapeHtml(utcMinute(t.entryTime).slice(0, 16))}</td>`,
        `<td>${price(t.entryPrice, p)}</td>`,
        `<td>${escapeHtml(utcMinute(t.exitTime).slice(0, 16))}</td>`,
        `<td>${price(t.exitPrice, p)}</td>`,
        `<td>${Number(t.quantity.toPrecision(8))}</td>`,
        `<td>${MONEY.format(t.fees)}</td>`,
        signedCell(MONEY.format(t.netPnl), t.netPnl),
        signedCell(`${(t.returnPct * 100).toFixed(2)} %`, t.returnPct),
        `<td>${t.barsHeld}</td>`,
        `<td class="text wrap">${escapeHtml(t.exitReason)}</td></tr>`,
      ].join("");
    })
    .join("");
  const caption =
    shown.length < trades.length
      ? `<p class="caption truncated">Showing the first ${shown.length} of ${trades.length} trades; all ${trades.length} are marked on the charts.</p>`
      : `<p class="caption">All ${trades.length} trades.</p>`;
  return `${caption}<div class="table-wrap"><table class="trades"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
