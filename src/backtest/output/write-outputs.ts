import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CandleSeries } from "../../domain/candles.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { Strategy } from "../../strategy/strategy.js";
import { buyAndHoldIndex } from "../benchmark.js";
import { renderReport } from "../report/index.js";
import { strategyOverlays } from "../report/strategy-overlays.js";
import type { BacktestResult } from "../run-backtest.js";
import type { BacktestSummary } from "../summary.js";
import { withChunkedWriter, writeInChunks } from "./chunked-writer.js";
import { tradesCsv, writeEquityCsvTo } from "./csv-writers.js";

export interface BacktestOutputs {
  readonly result: BacktestResult;
  readonly summary: BacktestSummary;
  readonly series: readonly CandleSeries[];
  /** Time stamped on the report, Unix ms (default now). */
  readonly generatedAt?: number;
  /** The strategy that ran: its own indicators are drawn over the candles. */
  readonly strategy?: Strategy;
  /** Whether the risk shield ran (its effect is shown only then). */
  readonly riskShield?: boolean;
  /** A label the report's title must carry ("CONTAMINATED": an LLM was consulted on bars it may remember). */
  readonly label?: string;
}

/**
 * Writes trades.csv, equity.csv, decisions.jsonl (one decision record per line: votes, risk verdicts, orders),
 * position-actions.jsonl (what position management did and why),
 * summary.json (metrics with seed, data hash and config hash) and report.html into `dir`.
 */
export function writeBacktestOutputs(dir: string, outputs: BacktestOutputs): void {
  const { result, summary } = outputs;
  writeFileSync(join(dir, "trades.csv"), tradesCsv(result.trades));
  withChunkedWriter(join(dir, "equity.csv"), (writer) => writeEquityCsvTo(result.equity, writer));
  writeInChunks(join(dir, "decisions.jsonl"), (write) => writeJsonLines(result.decisions, write));
  writeInChunks(join(dir, "position-actions.jsonl"), (write) => writeJsonLines(result.positionActions, write));
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, "report.html"), renderBacktestReport(outputs, outputs.generatedAt ?? Date.now()));
}

/** One JSON document per line. */
export function jsonLines(records: readonly unknown[]): string {
  const parts: string[] = [];
  writeJsonLines(records, (text) => parts.push(text));
  return parts.join("");
}

/**
 * One JSON document per line, each line a piece of its own: a file writer buffers them anyway, and appending lines
 * into 64 K blocks made rope strings that cost more to flatten and encode (decisions hold "×" and "→", so the text
 * is two-byte) than the JSON did to make, about 3× in all.
 */
export function writeJsonLines(records: readonly unknown[], write: (text: string) => void): void {
  for (const record of records) write(`${JSON.stringify(record)}\n`);
}

/** The HTML report of a run: charts, metrics and the honest context of principle 5. */
export function renderBacktestReport(outputs: BacktestOutputs, generatedAt: number): string {
  const { result, summary, series } = outputs;
  const meta = summary.meta;
  const index = buyAndHoldIndex(series, result.equity.time);
  const benchmark = index.map((v) => v * meta.cash);
  return renderReport({
    title: `${outputs.label ? `${outputs.label} — ` : ""}${meta.strategy} on ${meta.symbols.join(", ")}${meta.timeframe ? ` ${meta.timeframe}` : ""}`,
    generatedAt,
    series,
    trades: result.trades,
    equity: result.equity,
    benchmark: { label: series.length > 1 ? "Buy & hold (equal weight)" : "Buy & hold", equity: benchmark },
    metrics: summary.metrics,
    tickSize: (symbol) => defaultInstrument(symbol).tickSize,
    ...(outputs.strategy ? { overlays: series.flatMap((s) => strategyOverlays(outputs.strategy as Strategy, s)) } : {}),
    risk: outputs.riskShield === false ? undefined : summary.risk,
    valueAtRisk: summary.valueAtRisk,
    calendarNote: summary.calendar.note,
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
