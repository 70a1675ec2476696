import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CandleSeries } from "../../domain/candles.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { BacktestResult } from "../run-backtest.js";
import type { BacktestSummary } from "../summary.js";
import { writeInBackground } from "./background-file-writer.js";
import { writeInChunks } from "./chunked-writer.js";
import { tradesCsv } from "./csv-writers.js";
import { renderReportJob, reportJob, writeReportFiles } from "./report-job.js";
import { type ReportThread, ReportThreadLost } from "./report-thread.js";

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
  /** The buy-and-hold index at the equity curve's times, when already computed (for the summary). */
  readonly buyAndHold?: Float64Array;
}

/**
 * Writes trades.csv, equity.csv, decisions.jsonl (one decision record per line: votes, risk verdicts, orders),
 * position-actions.jsonl (what position management did and why),
 * summary.json (metrics with seed, data hash and config hash) and report.html into `dir`.
 */
export function writeBacktestOutputs(dir: string, outputs: BacktestOutputs): void {
  writeRecordFiles(dir, outputs);
  writeReportFiles(dir, reportJob(outputs, outputs.generatedAt ?? Date.now()));
}

/** The files other than equity.csv and report.html: trades, decisions, position actions and the summary. */
export function writeRecordFiles(dir: string, outputs: BacktestOutputs): void {
  const { result, summary } = outputs;
  writeFileSync(join(dir, "trades.csv"), tradesCsv(result.trades));
  writeInChunks(join(dir, "decisions.jsonl"), (write) => writeJsonLines(result.decisions, write));
  writeInChunks(join(dir, "position-actions.jsonl"), (write) => writeJsonLines(result.positionActions, write));
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * The same files as `writeRecordFiles`, with the decisions' system calls on libuv's thread pool while this thread
 * makes the next lines (see background-file-writer.ts).
 */
export async function writeRecordFilesOverlapped(dir: string, outputs: BacktestOutputs): Promise<void> {
  const { result, summary } = outputs;
  writeFileSync(join(dir, "trades.csv"), tradesCsv(result.trades));
  await writeInBackground(join(dir, "decisions.jsonl"), async (write) => {
    for (const record of result.decisions) {
      const wait = write(`${JSON.stringify(record)}\n`);
      if (wait !== undefined) await wait;
    }
  });
  writeInChunks(join(dir, "position-actions.jsonl"), (write) => writeJsonLines(result.positionActions, write));
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
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
  return renderReportJob(reportJob(outputs, generatedAt));
}

/**
 * The same files as `writeBacktestOutputs`, with equity.csv and report.html written by `thread` while this thread
 * writes the others. If the thread is gone (it could not start), this thread writes those two as well. With
 * `handOver` the candles, the equity curve and the strategy's overlays are moved to the thread, not copied: the
 * caller must not read `series` or `result.equity` afterwards (they are detached, empty).
 */
export async function writeBacktestOutputsInParallel(
  dir: string,
  outputs: BacktestOutputs,
  thread: ReportThread,
  handOver = false,
): Promise<void> {
  const job = reportJob(outputs, outputs.generatedAt ?? Date.now());
  const report = thread.write(dir, job, handOver);
  // Observed now, awaited below: a failure of the thread must not be unhandled while this thread is busy.
  report.catch(() => undefined);
  let recordError: unknown;
  try {
    await writeRecordFilesOverlapped(dir, outputs);
  } catch (error) {
    recordError = error;
  }
  try {
    await report;
  } catch (error) {
    // The first failure is the one worth reporting; a lost thread only means writing those two files here.
    if (recordError === undefined) {
      if (!(error instanceof ReportThreadLost)) throw error;
      writeReportFiles(dir, job);
    }
  }
  if (recordError !== undefined) throw recordError;
}
