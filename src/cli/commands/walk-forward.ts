import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatMetrics, formatMetricValue } from "../../backtest/metrics/index.js";
import { equityCsv, tradesCsv } from "../../backtest/output/csv-writers.js";
import { walkForward } from "../../backtest/walk-forward.js";
import { loadConfig } from "../../config/load-config.js";
import { resolveSpec } from "../../strategy/registry.js";
import { prepareOutputDir } from "../output-path.js";
import { parseGridOptions } from "../parse-grid.js";
import { numberOption, positiveInteger } from "../parse-options.js";
import { ProgressBar } from "../progress.js";
import { type RunCliOptions, resolveRunOptions, warnContextInBatch } from "../run-options.js";
import { UsageError } from "../usage-error.js";
import { metricKey } from "./grid.js";

export interface WalkForwardCliOptions extends RunCliOptions {
  strategy: string;
  grid?: string[];
  train: string;
  test: string;
  step?: string;
  mode: string;
  objective: string;
  workers?: string;
  out?: string;
  json?: boolean;
  progress: boolean;
}

export async function walkForwardCommand(options: WalkForwardCliOptions, globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  if (options.mode !== "rolling" && options.mode !== "anchored")
    throw new UsageError(`--mode ${options.mode}: expected rolling or anchored`);
  const trainBars = numberOption("train", options.train, positiveInteger) as number;
  const testBars = numberOption("test", options.test, positiveInteger) as number;
  const stepBars = numberOption("step", options.step, positiveInteger);
  const workers = numberOption("workers", options.workers, (n) =>
    Number.isInteger(n) && n >= 0 ? undefined : "must be a whole number >= 0",
  );
  const objective = metricKey(options.objective, "--objective");
  const grid = parseGridOptions(options.grid);
  const spec = resolveSpec(options.strategy);
  if (options.out) prepareOutputDir("--out", options.out);
  const run = await resolveRunOptions(options, config, globals.config);
  warnContextInBatch(run.risk);
  const progress = new ProgressBar("walk-forward", options.progress && !options.json);
  const result = await walkForward({
    series: run.data.series,
    strategy: spec,
    grid,
    params: run.params,
    mode: options.mode,
    trainBars,
    testBars,
    ...(stepBars !== undefined ? { stepBars } : {}),
    objective,
    cash: run.cash,
    fee: run.fee,
    slippage: run.slippageText,
    ...(run.size ? { size: run.size } : {}),
    leverage: run.leverage,
    ...(run.risk ? { risk: run.risk } : {}),
    ...(workers !== undefined ? { workers } : {}),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.done();
  if (options.out) {
    writeFileSync(
      join(options.out, "walkforward.json"),
      `${JSON.stringify({ ...result, equity: undefined, inMarket: undefined, trades: undefined }, null, 2)}\n`,
    );
    writeFileSync(join(options.out, "equity.csv"), equityCsv(result.equity));
    writeFileSync(join(options.out, "trades.csv"), tradesCsv(result.trades));
  }
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ...result, equity: undefined, inMarket: undefined, trades: undefined }, null, 2)}\n`,
    );
    return;
  }
  const pct = (v: number | null) => formatMetricValue(v, "percent");
  const ratio = (v: number | null) => formatMetricValue(v, "ratio");
  const lines = [
    `walk-forward (${result.mode}) of ${result.strategy}: ${result.windows.length} window(s), train ${trainBars} / test ${testBars} bars, warm-up ${result.warmupBars}, objective ${objective}`,
    `${"window".padEnd(8)}${"test from".padEnd(18)}${"params".padEnd(28)}${"IS obj".padStart(9)}${"OOS obj".padStart(9)}${"OOS return".padStart(12)}`,
  ];
  result.windows.forEach((w, k) => {
    const params = Object.entries(w.params)
      .filter(([key]) => key in grid)
      .map(([key, v]) => `${key}=${v}`)
      .join(" ");
    lines.push(
      `${String(k + 1).padEnd(8)}${new Date(w.testFrom).toISOString().slice(0, 16).padEnd(18)}${params.padEnd(28)}${ratio(w.inSampleObjective).padStart(9)}${ratio(w.outOfSampleObjective).padStart(9)}${pct(w.outOfSample.totalReturn).padStart(12)}`,
    );
  });
  const o = result.overfitting;
  lines.push(
    "",
    `overfitting: mean in-sample ${objective} ${ratio(o.meanInSample)}, mean out-of-sample ${ratio(o.meanOutOfSample)}, efficiency ${ratio(o.efficiency)}, profitable test windows ${pct(o.positiveOutOfSampleShare)}, parameter changes ${o.parameterChanges}`,
    "",
    "Out-of-sample (test windows stitched, the honest numbers):",
    formatMetrics(result.outOfSample),
    ...result.notes.map((n) => `note: ${n}`),
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}
