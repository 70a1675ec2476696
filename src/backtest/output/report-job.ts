import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CandleSeries } from "../../domain/candles.js";
import { defaultInstrument } from "../../domain/instrument.js";
import type { ClosedTrade, EquityCurve } from "../../domain/trade.js";
import type { Strategy } from "../../strategy/strategy.js";
import { buyAndHoldIndex } from "../benchmark.js";
import { type ReportInput, renderReport } from "../report/index.js";
import type { IndicatorOverlay } from "../report/report-data.js";
import { strategyOverlays } from "../report/strategy-overlays.js";
import type { BacktestResult } from "../run-backtest.js";
import { columnsAfterRun } from "../run-columns.js";
import type { BacktestSummary } from "../summary.js";
import { withChunkedWriter } from "./chunked-writer.js";
import { writeEquityCsvTo } from "./csv-writers.js";

/** What the report of a run is drawn from: the run's output, its summary and the strategy (for its indicators). */
export interface ReportSource {
  readonly result: Pick<BacktestResult, "trades" | "equity" | "columns">;
  readonly summary: BacktestSummary;
  readonly series: readonly CandleSeries[];
  readonly strategy?: Strategy;
  readonly riskShield?: boolean;
  readonly label?: string;
  /** The buy-and-hold index at the equity curve's times, when the caller has it already (the summary's). */
  readonly buyAndHold?: Float64Array;
}

/**
 * Everything report.html and equity.csv are made of, as plain data (no functions, no strategy object): it can be
 * posted to the output thread, which writes those two files while the main thread writes the others.
 */
export interface ReportJob {
  readonly input: Omit<ReportInput, "tickSize" | "benchmark">;
  /** The candles' price increment per symbol. */
  readonly tickSizes: Readonly<Record<string, number>>;
  /**
   * Buy-and-hold, scaled to the initial cash where the report is rendered; its index is computed there too unless
   * the job carries the one the summary computed (a 4 M-bar index is a pass over the candles and 8k page faults).
   */
  readonly benchmark: { readonly label: string; readonly cash: number; readonly index?: Float64Array };
}

/** The job of one run's report; the strategy's overlays are computed here, as only this thread has the strategy. */
export function reportJob(source: ReportSource, generatedAt: number): ReportJob {
  const { result, summary, series } = source;
  const meta = summary.meta;
  const strategy = source.strategy;
  const overlays: IndicatorOverlay[] | undefined = strategy
    ? series.flatMap((s) => strategyOverlays(strategy, s, columnsAfterRun(result.columns, s)))
    : undefined;
  return {
    input: {
      title: `${source.label ? `${source.label} — ` : ""}${meta.strategy} on ${meta.symbols.join(", ")}${meta.timeframe ? ` ${meta.timeframe}` : ""}`,
      generatedAt,
      series,
      trades: result.trades,
      equity: result.equity,
      metrics: summary.metrics,
      ...(overlays ? { overlays } : {}),
      risk: source.riskShield === false ? undefined : summary.risk,
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
    },
    tickSizes: Object.fromEntries(series.map((s) => [s.symbol, defaultInstrument(s.symbol).tickSize])),
    benchmark: {
      label: series.length > 1 ? "Buy & hold (equal weight)" : "Buy & hold",
      cash: meta.cash,
      ...(source.buyAndHold ? { index: source.buyAndHold } : {}),
    },
  };
}

/**
 * The HTML of a report job. With `owned` the job's arrays are this call's to change (the output thread's copy):
 * a carried buy-and-hold index is then scaled to cash in place rather than into a new array.
 */
export function renderReportJob(job: ReportJob, owned = false): string {
  const { input, tickSizes } = job;
  const cash = job.benchmark.cash;
  const carried = job.benchmark.index;
  const index = carried ?? buyAndHoldIndex(input.series, input.equity.time);
  let benchmark: Float64Array;
  if (carried === undefined || owned) {
    for (let i = 0; i < index.length; i++) index[i] = (index[i] as number) * cash;
    benchmark = index;
  } else benchmark = index.map((v) => v * cash);
  return renderReport({
    ...input,
    benchmark: { label: job.benchmark.label, equity: benchmark },
    tickSize: (symbol) => tickSizes[symbol],
  });
}

/** Writes equity.csv and report.html of a job into `dir`; `owned` as for renderReportJob. */
export function writeReportFiles(dir: string, job: ReportJob, owned = false): void {
  withChunkedWriter(join(dir, "equity.csv"), (writer) => writeEquityCsvTo(job.input.equity, writer));
  writeFileSync(join(dir, "report.html"), renderReportJob(job, owned));
}

/** Every typed array of a job: the candles, the equity curve and the overlays. */
function jobArrays(job: ReportJob): Float64Array[] {
  const { input } = job;
  return [
    ...input.series.flatMap((s) => [s.time, s.open, s.high, s.low, s.close, s.volume]),
    input.equity.time,
    input.equity.equity,
    ...(input.overlays ?? []).map((o) => o.values),
    ...(job.benchmark.index ? [job.benchmark.index] : []),
  ];
}

/**
 * The buffers under the job's arrays, each once, to post the job with them transferred: no copy at all, but the
 * arrays (and any other view of those buffers) are detached, empty, afterwards. Shared memory needs no transfer.
 */
export function jobBuffers(job: ReportJob): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const values of jobArrays(job)) {
    if (values.buffer instanceof ArrayBuffer) buffers.add(values.buffer);
  }
  return [...buffers];
}

/**
 * A copy of the job whose typed arrays are compact copies owned by nobody else, and the list of their buffers: the
 * job is posted with those buffers transferred (no second copy, the caller's arrays left intact), and a view into a
 * larger buffer does not drag the whole buffer along. Copying 4 M bars' columns costs most of a second: a caller
 * done with its arrays posts `jobBuffers` instead.
 */
export function copiedJob(job: ReportJob): { job: ReportJob; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const own = (values: Float64Array): Float64Array => {
    const copy = values.slice();
    transfer.push(copy.buffer);
    return copy;
  };
  const { input } = job;
  const equity: EquityCurve = { time: own(input.equity.time), equity: own(input.equity.equity) };
  const series = input.series.map((s) => ({
    ...s,
    time: own(s.time),
    open: own(s.open),
    high: own(s.high),
    low: own(s.low),
    close: own(s.close),
    volume: own(s.volume),
  }));
  const overlays = input.overlays?.map((o) => ({ ...o, values: own(o.values) }));
  const trades: ClosedTrade[] = [...input.trades];
  const index = job.benchmark.index;
  return {
    job: {
      ...job,
      input: { ...input, series, equity, trades, ...(overlays ? { overlays } : {}) },
      benchmark: { ...job.benchmark, ...(index ? { index: own(index) } : {}) },
    },
    transfer,
  };
}
