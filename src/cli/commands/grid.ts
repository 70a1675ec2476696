import { writeFileSync } from "node:fs";
import { evaluateParameters } from "../../backtest/evaluate-parameters.js";
import { combinationCount, type PreparedRun, prepareRun, runGrid } from "../../backtest/grid.js";
import { formatMetricValue, METRIC_DEFINITIONS, type MetricKey } from "../../backtest/metrics/index.js";
import { defaultWorkerCount } from "../../backtest/pool/backtest-pool.js";
import { loadConfig } from "../../config/load-config.js";
import { resolveSpec } from "../../strategy/registry.js";
import { checkGridSize } from "../grid-size.js";
import { prepareOutputFile } from "../output-path.js";
import { parseGridOptions } from "../parse-grid.js";
import { numberOption, positiveInteger } from "../parse-options.js";
import { ProgressBar } from "../progress.js";
import { type RunCliOptions, resolveRunOptions, warnContextInBatch } from "../run-options.js";
import { UsageError } from "../usage-error.js";

export interface GridCliOptions extends RunCliOptions {
  strategy: string;
  grid: string[];
  workers?: string;
  sort: string;
  top: string;
  out?: string;
  progress: boolean;
  yes?: boolean;
}

/** Metrics where smaller is better when ranking. */
const MINIMIZE = new Set<MetricKey>([
  "maxDrawdown",
  "annualizedVolatility",
  "maxDrawdownDurationMs",
  "maxDrawdownDurationBars",
]);

export async function gridCommand(options: GridCliOptions, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  const sortKey = metricKey(options.sort, "--sort");
  const top = numberOption("top", options.top, positiveInteger) as number;
  const workers = numberOption("workers", options.workers, positiveInteger);
  const grid = parseGridOptions(options.grid);
  const spec = resolveSpec(options.strategy);
  if (options.out) prepareOutputFile("--out", options.out);
  const run = await resolveRunOptions(options, config, globals.config);
  warnContextInBatch(run.risk);
  const runOptions = {
    series: run.data.series,
    strategy: spec,
    params: run.params,
    cash: run.cash,
    fee: run.fee,
    slippage: run.slippageText,
    ...(run.size ? { size: run.size } : {}),
    leverage: run.leverage,
    ...(run.risk ? { risk: run.risk } : {}),
    ...(run.participation !== undefined ? { maxVolumeParticipation: run.participation } : {}),
  };
  const combinations = combinationCount(grid);
  const sizeLine = checkGridSize({
    combinations,
    workers: Math.min(workers ?? defaultWorkerCount(), combinations),
    yes: options.yes === true,
    timeOne: () => timeOneCombination(prepareRun(runOptions, grid)),
  });
  process.stderr.write(`${sizeLine}\n`);
  const progress = new ProgressBar("grid", options.progress);
  const started = performance.now();
  const rows = await runGrid({
    ...runOptions,
    grid,
    ...(workers !== undefined ? { workers } : {}),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.done();
  const elapsed = performance.now() - started;
  const keys = Object.keys(grid);
  const score = (value: number | null | undefined): number =>
    value === null || value === undefined ? Number.NEGATIVE_INFINITY : MINIMIZE.has(sortKey) ? -value : value;
  const ranked = [...rows].sort(
    (a, b) => score(b.metrics?.[sortKey]) - score(a.metrics?.[sortKey]) || a.index - b.index,
  );
  const shown: MetricKey[] = ["totalReturn", "sharpe", "maxDrawdown", "tradeCount", "winRate", "profitFactor"];
  if (!shown.includes(sortKey)) shown.unshift(sortKey);
  const kinds = new Map(METRIC_DEFINITIONS.map((d) => [d.key as MetricKey, d.kind]));
  const header = [...keys, ...shown].map((h) => h.padStart(12)).join(" ");
  const lines = [
    `grid of ${rows.length} combination(s) of ${spec.name} on ${run.data.series.map((s) => s.symbol).join(", ")} in ${(elapsed / 1000).toFixed(1)} s; ranked by ${sortKey} (in-sample: every row saw the same data)`,
    header,
  ];
  for (const row of ranked.slice(0, top)) {
    const params = keys.map((k) => String(row.params[k]).padStart(12));
    const values = row.metrics
      ? shown.map((k) => formatMetricValue(row.metrics?.[k] ?? null, kinds.get(k) ?? "number").padStart(12))
      : [`error: ${row.error}`];
    lines.push([...params, ...values].join(" "));
  }
  const failed = rows.filter((r) => r.error !== null).length;
  if (failed > 0) lines.push(`${failed} combination(s) failed; see the error column`);
  process.stdout.write(`${lines.join("\n")}\n`);
  if (options.out) {
    const allKeys = METRIC_DEFINITIONS.map((d) => d.key as MetricKey);
    const csv = [[...keys, ...allKeys, "error"].join(",")];
    for (const row of rows) {
      csv.push(
        [
          ...keys.map((k) => row.params[k]),
          ...allKeys.map((k) => row.metrics?.[k] ?? ""),
          JSON.stringify(row.error ?? ""),
        ].join(","),
      );
    }
    writeFileSync(options.out, `${csv.join("\n")}\n`);
  }
}

/**
 * Milliseconds one backtest of the grid takes once warm, in this thread: the fastest of a few runs of its first
 * combinations (the first run pays for JIT compilation and is several times slower than the rest).
 */
function timeOneCombination(prepared: PreparedRun): number {
  let fastest = Number.POSITIVE_INFINITY;
  const budgetStarted = performance.now();
  for (let k = 0; k < 5 && (k < 2 || performance.now() - budgetStarted < 1000); k++) {
    const started = performance.now();
    evaluateParameters({
      series: prepared.series,
      spec: prepared.spec,
      params: prepared.combinations[k % prepared.combinations.length] ?? {},
      settings: prepared.settings,
    });
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

export function metricKey(text: string, option: string): MetricKey {
  const keys = METRIC_DEFINITIONS.map((d) => d.key as string);
  if (!keys.includes(text)) throw new UsageError(`${option} ${text}: unknown metric (known: ${keys.join(", ")})`);
  return text as MetricKey;
}
