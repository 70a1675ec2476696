import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CandleSeries } from "../../domain/candles.js";
import { buyAndHoldIndex } from "../benchmark.js";
import { renderReport } from "../report/index.js";
import type { BacktestResult } from "../run-backtest.js";
import type { BacktestSummary } from "../summary.js";
import { equityCsv, tradesCsv } from "./csv-writers.js";

export interface BacktestOutputs {
  readonly result: BacktestResult;
  readonly summary: BacktestSummary;
  readonly series: readonly CandleSeries[];
  /** Time stamped on the report, Unix ms (default now). */
  readonly generatedAt?: number;
}

/**
 * Writes trades.csv, equity.csv, decisions.jsonl (one decision record per line: votes, risk verdicts, orders),
 * position-actions.jsonl (what position management did and why),
 * summary.json (metrics with seed, data hash and config hash) and report.html into `dir`.
 */
export function writeBacktestOutputs(dir: string, outputs: BacktestOutputs): void {
  const { result, summary } = outputs;
  writeFileSync(join(dir, "trades.csv"), tradesCsv(result.trades));
  writeFileSync(join(dir, "equity.csv"), equityCsv(result.equity));
  writeFileSync(join(dir, "decisions.jsonl"), jsonLines(result.decisions));
  writeFileSync(join(dir, "position-actions.jsonl"), jsonLines(result.positionActions));
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, "report.html"), renderBacktestReport(outputs, outputs.generatedAt ?? Date.now()));
}

function jsonLines(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** The HTML report of a run: charts, metrics and the honest context of principle 5. */
export function renderBacktestReport(outputs: BacktestOutputs, generatedAt: number): string {
  const { result, summary, series } = outputs;
  const meta = summary.meta;
  const index = buyAndHoldIndex(series, result.equity.time);
  const benchmark = index.map((v) => v * meta.cash);
  return renderReport({
    title: `${meta.strategy} on ${meta.symbols.join(", ")}`,
    generatedAt,
    series,
    trades: result.trades,
    equity: result.equity,
    benchmark: { label: series.length > 1 ? "Buy & hold (equal weight)" : "Buy & hold", equity: benchmark },
    metrics: summary.metrics,
    meta: {
      strategy: meta.strategy,
      parameters: meta.parameters,
      seed: meta.seed,
      dataHash: meta.dataHash,
      configHash: meta.configHash,
      dataRange: meta.dataRange,
      fees: `${(meta.fee * 100).toFixed(3)} % of notional per fill`,
      slippage: meta.slippage,
      sample: meta.sample,
    },
  });
}
