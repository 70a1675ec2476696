import type { Metrics } from "../../backtest/metrics/index.js";
import { escapeHtml } from "../../backtest/report/html-escape.js";
import type { EvolutionRun, Finalist } from "./run-evolution.js";

const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "n/a" : v.toFixed(digits));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? "n/a" : `${(v * 100).toFixed(2)} %`);
const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
const short = (hash: string) => hash.slice(0, 12);

/** The fitness curve per generation (best and mean) as an inline SVG: no script, opens anywhere. */
function fitnessChart(run: EvolutionRun): string {
  const points = run.generations;
  const values = points.flatMap((g) => [g.best, g.mean]).filter((v): v is number => v !== null);
  if (values.length === 0) return "<p>No generation had a ranked strategy.</p>";
  const [width, height, pad] = [720, 260, 40];
  const min = Math.min(0, ...values);
  const max = Math.max(...values, min + 1e-9);
  const x = (g: number) => pad + (points.length > 1 ? (g / (points.length - 1)) * (width - 2 * pad) : 0);
  const y = (v: number) => height - pad - ((v - min) / (max - min)) * (height - 2 * pad);
  const line = (key: "best" | "mean") =>
    points
      .filter((g) => g[key] !== null)
      .map((g) => `${x(g.generation).toFixed(1)},${y(g[key] as number).toFixed(1)}`)
      .join(" ");
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="fitness per generation">
<line x1="${pad}" y1="${y(0)}" x2="${width - pad}" y2="${y(0)}" stroke="#bbb" stroke-dasharray="4"/>
<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line("best")}"/>
<polyline fill="none" stroke="#ff7f0e" stroke-width="2" points="${line("mean")}"/>
<text x="${pad}" y="16" font-size="12">fitness (out-of-sample Sharpe − complexity penalty): <tspan fill="#1f77b4">best</tspan>, <tspan fill="#ff7f0e">mean</tspan></text>
<text x="4" y="${y(max) + 4}" font-size="11">${num(max)}</text><text x="4" y="${y(min) + 4}" font-size="11">${num(min)}</text>
<text x="${pad}" y="${height - 8}" font-size="11">generation 0</text><text x="${width - pad - 70}" y="${height - 8}" font-size="11">generation ${points.length - 1}</text>
</svg>`;
}

function metricsCells(m: Metrics | undefined): string {
  if (!m) return "<td>n/a</td><td>n/a</td><td>n/a</td><td>n/a</td>";
  return `<td>${num(m.sharpe)}</td><td>${pct(m.totalReturn)}</td><td>${pct(m.maxDrawdown)}</td><td>${m.tradeCount ?? "n/a"}</td>`;
}

function finalistRows(finalists: readonly Finalist[]): string {
  return finalists
    .map(
      (f) => `<tr><td><code>${short(f.hash)}</code> ${escapeHtml(f.name)}</td><td>${num(f.fitness)}</td>
<td>${num(f.inSample?.sharpe)}</td><td>${num(f.outOfSample.sharpe)}</td><td>${pct(f.outOfSample.maxDrawdown)}</td><td>${f.outOfSample.trades}</td>
${metricsCells(f.gates.holdout)}<td>${num(f.deflatedSharpe.dsr, 3)}</td><td class="${f.gates.passed ? "pass" : "fail"}">${f.gates.passed ? "passed" : "failed"}</td></tr>`,
    )
    .join("\n");
}

function gateTables(finalists: readonly Finalist[]): string {
  return finalists
    .map(
      (f) => `<h3><code>${short(f.hash)}</code> ${escapeHtml(f.name)}</h3>
<table><tr><th>gate</th><th>value</th><th>threshold</th><th>result</th><th>detail</th></tr>
${f.gates.gates
  .map(
    (g) =>
      `<tr><td>${escapeHtml(g.gate)}</td><td>${num(g.value, 4)}</td><td>${escapeHtml(g.threshold)}</td><td class="${g.passed ? "pass" : "fail"}">${g.passed ? "pass" : "fail"}</td><td>${escapeHtml(g.detail)}</td></tr>`,
  )
  .join("\n")}</table>
<details><summary>spec</summary><pre>${escapeHtml(JSON.stringify(f.spec, null, 2))}</pre></details>`,
    )
    .join("\n");
}

/** The evolution report as one self-contained HTML page. */
export function renderEvolutionReport(run: EvolutionRun): string {
  const best = run.finalists[0];
  const after = run.afterCut;
  const afterText = after
    ? `<p>The best strategy by search fitness, <code>${short(after.hash)}</code>, traded by the engine on the ${run.bars.afterCut ? run.bars.afterCut[1] - run.bars.afterCut[0] : 0} bars after the cut
(${run.times.afterCut ? `${day(run.times.afterCut[0])} – ${day(run.times.afterCut[1])}` : ""}), which no part of the search or the gates saw:</p>
<table><tr><th></th><th>Sharpe</th><th>total return</th><th>max drawdown</th><th>trades</th></tr>
<tr><td>in-sample (training windows, never used to select)</td><td>${num(best?.inSample?.sharpe)}</td><td>${pct(best?.inSample?.totalReturn)}</td><td>${pct(best?.inSample?.maxDrawdown)}</td><td>${best?.inSample?.trades ?? "n/a"}</td></tr>
<tr><td>search fitness data (walk-forward test windows)</td><td>${num(best?.outOfSample.sharpe)}</td><td>${pct(best?.outOfSample.totalReturn)}</td><td>${pct(best?.outOfSample.maxDrawdown)}</td><td>${best?.outOfSample.trades ?? "n/a"}</td></tr>
<tr><td>holdout (gates)</td>${metricsCells(best?.gates.holdout)}</tr>
<tr><td><b>after the cut</b></td>${metricsCells(after.metrics)}</tr></table>`
    : "<p>No cut date was given (or no strategy was ranked): nothing was held back after the search.</p>";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Aegis evolution ${escapeHtml(run.symbol)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.pass{color:#137333}.fail{color:#b3261e}code{font-size:12px}</style></head><body>
<h1>Evolution of ${escapeHtml(run.symbol)}${run.regime ? ` for the ${escapeHtml(run.regime)} regime` : ""}</h1>
<p>Seed ${escapeHtml(String(run.seed))}; ${run.generations.length} generations (${escapeHtml(run.stoppedBecause)}); ${run.trials} distinct strategies tried;
${run.blacklisted} finalists blacklisted, ${run.blacklistedSkips} blacklisted proposals skipped.</p>
<p>Search bars ${day(run.times.search[0])} – ${day(run.times.search[1])} (fitness on walk-forward test windows only:
${run.plan.mode}, train ${run.plan.trainBars}, test ${run.plan.testBars}, purge ${run.plan.purgeBars}, embargo ${run.plan.embargoBars} bars);
holdout for the gates ${day(run.times.holdout[0])} – ${day(run.times.holdout[1])}.</p>
<h2>Fitness per generation</h2>${fitnessChart(run)}
<h2>Multiple-testing checks</h2>
<p>Probability of backtest overfitting (CSCV, ${run.pbo?.blocks ?? "–"} blocks, ${run.pbo?.splits ?? 0} splits): <b>${num(run.pbo?.pbo, 3)}</b>.
Deflated Sharpe ratio of the best: <b>${num(best?.deflatedSharpe.dsr, 3)}</b> (per-bar Sharpe ${num(best?.deflatedSharpe.sharpe, 4)} vs ${num(best?.deflatedSharpe.benchmarkSharpe, 4)} expected of the best of ${run.trials} zero-skill trials;
with the cross-trial variance instead: ${num(best?.deflatedSharpeCrossTrialVariance.dsr, 3)}).</p>
<h2>After the cut</h2>${afterText}
<h2>Winners</h2>
<table><tr><th>strategy</th><th>fitness</th><th>IS Sharpe</th><th>OOS Sharpe</th><th>OOS max DD</th><th>OOS trades</th><th>holdout Sharpe</th><th>holdout return</th><th>holdout max DD</th><th>holdout trades</th><th>DSR</th><th>gates</th></tr>
${finalistRows(run.finalists)}</table>
<h2>Gates</h2>${gateTables(run.finalists)}
<h2>Lineage of the best</h2>
<table><tr><th>strategy</th><th>generation</th><th>fitness</th><th>parents</th></tr>
${run.lineage.map((l) => `<tr><td><code>${short(l.hash)}</code> ${escapeHtml(l.name)}</td><td>${l.generation}</td><td>${num(l.fitness)}</td><td>${l.parents.map((p) => `<code>${short(p)}</code>`).join(", ") || "random (generation 0)"}</td></tr>`).join("\n")}</table>
</body></html>
`;
}
