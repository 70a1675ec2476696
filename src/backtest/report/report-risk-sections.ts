import type { ValueAtRisk } from "../metrics/value-at-risk.js";
import type { RiskEffect } from "../risk-effect.js";
import { escapeHtml } from "./html-escape.js";
import { utcMinute } from "./report-sections.js";

/** Per layer: orders resized, denied and refused while halted, with the top reasons; the halt first, if any. */
export function renderRiskEffect(effect: RiskEffect | undefined): string {
  if (effect === undefined) return '<p class="muted">The risk shield was off for this run.</p>';
  const halt = effect.halt
    ? `<p class="halt"><b>Trading halted at ${escapeHtml(utcMinute(effect.halt.time))}</b>: ${escapeHtml(effect.halt.reason)}. From then on only orders that reduce a position went out, which is why equity is flat after it.</p>`
    : "";
  const totals = `<p>${effect.ordersChecked.toLocaleString("en-US")} order(s) checked: ${effect.ordersResized.toLocaleString("en-US")} resized, ${effect.ordersDenied.toLocaleString("en-US")} denied; ${effect.decisionsRejected.toLocaleString("en-US")} decision(s) left with no order.</p>`;
  if (effect.layers.length === 0) return `${halt}${totals}<p class="muted">No layer resized or denied an order.</p>`;
  const rows = effect.layers
    .map(
      (l) =>
        `<tr><td class="text">${escapeHtml(l.layer)}</td><td>${l.resized}</td><td>${l.denied}</td><td>${l.halted}</td><td class="text wrap">${l.topReasons
          .map((r) => `${r.count}× ${escapeHtml(r.example)}`)
          .join("<br>")}</td></tr>`,
    )
    .join("");
  return `${halt}${totals}<div class="table-wrap"><table class="risk"><thead><tr><th class="text">Layer</th><th>Resized</th><th>Denied</th><th>Refused (halt)</th><th class="text">Top reasons (one example each)</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** VaR and CVaR at each confidence, historical and parametric, as a loss in percent of equity over one day. */
export function renderValueAtRisk(v: (ValueAtRisk & { readonly basis: string }) | undefined): string {
  if (v === undefined) return "";
  const pct = (x: number | null) => (x === null ? '<span class="na">n/a</span>' : `${(x * 100).toFixed(2)} %`);
  const rows = v.levels
    .map(
      (l) =>
        `<tr><td>${l.confidence * 100} %</td><td>${pct(l.historicalVar)}</td><td>${pct(l.historicalCvar)}</td><td>${pct(l.parametricVar)}</td><td>${pct(l.parametricCvar)}</td></tr>`,
    )
    .join("");
  const notes =
    v.notes.length === 0 ? "" : `<ul class="notes">${v.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`;
  return `<div class="table-wrap"><table class="var"><thead><tr><th>Confidence</th><th>VaR historical</th><th>CVaR historical</th><th>VaR parametric (normal)</th><th>CVaR parametric (normal)</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="caption">One-day loss, in % of equity, from ${v.observations.toLocaleString("en-US")} daily returns (${escapeHtml(v.basis)}). Historical: the k = ceil(n × (1 − confidence)) worst days (VaR: the k-th worst; CVaR: their mean). Parametric: a normal fit, VaR = zσ − μ, CVaR = σφ(z)/(1 − confidence) − μ.</p>${notes}`;
}
