import type { CandleSeries } from "../domain/candles.js";
import { buyAndHoldIndex } from "./benchmark.js";
import { computeMetrics, type Metrics } from "./metrics/index.js";
import type { BacktestResult } from "./run-backtest.js";

/** What a run was, so that its numbers can be reproduced and judged (ARCHITECTURE.md principle 5). */
export interface RunMeta {
  readonly strategy: string;
  readonly parameters: Readonly<Record<string, number>>;
  readonly symbols: readonly string[];
  readonly timeframe: string | undefined;
  readonly dataSource: string;
  readonly dataRange: { readonly from: number; readonly to: number };
  readonly bars: number;
  readonly cash: number;
  readonly fee: number;
  readonly slippage: string;
  readonly size: string;
  readonly seed: number;
  readonly dataHash: string;
  readonly configHash: string;
  /** Whether the parameters were chosen on this data (in-sample) or fixed before it (out-of-sample). */
  readonly sample: { readonly kind: "in-sample" | "out-of-sample" | "unspecified"; readonly note?: string };
}

export interface BacktestSummary {
  readonly meta: RunMeta;
  readonly metrics: Metrics;
  readonly finalEquity: number;
  readonly elapsedMs: number;
  readonly barsPerSecond: number;
  readonly decisions: number;
  readonly halted: boolean;
  readonly assumptions: readonly string[];
}

/** The fill and accounting assumptions every result is subject to (also in the README). */
export const ASSUMPTIONS = [
  "signals are taken on a bar's close; market orders fill at the next bar's open plus slippage, taker fee",
  "stops fill at their price when the bar's range touches them, or at the open when the bar gaps through them",
  "limits and take-profits fill at their price or a better open, maker fee, no slippage",
  "when one bar touches both stop-loss and take-profit, the stop-loss fills first (pessimistic)",
  "trailing stops move with each closed bar's best price, effective from the next bar",
  "positions still open at the end are closed at the last bar's close (reason: end of backtest)",
  "indicators are computed over closed bars only; a strategy cannot read a later bar",
] as const;

export function summarize(result: BacktestResult, series: readonly CandleSeries[], meta: RunMeta): BacktestSummary {
  const benchmark = buyAndHoldIndex(series, result.equity.time);
  const daily = series.every((s) => s.timeframe === "1d");
  // Daily bars with no weekend bars are exchange sessions: 252 a year, not 365.
  const weekdaysOnly = daily && series.every((s) => !hasWeekendBar(s));
  const metrics = computeMetrics({
    equity: result.equity,
    trades: result.trades,
    initialCash: meta.cash,
    benchmarkClose: benchmark,
    inMarket: result.inMarket,
    ...(weekdaysOnly ? { periodsPerYear: 252 } : {}),
  });
  const seconds = result.elapsedMs / 1000;
  return {
    meta,
    metrics,
    finalEquity: result.equity.equity[result.equity.equity.length - 1] ?? meta.cash,
    elapsedMs: result.elapsedMs,
    barsPerSecond: seconds > 0 ? result.bars / seconds : 0,
    decisions: result.decisions.length,
    halted: result.halted,
    assumptions: ASSUMPTIONS,
  };
}

function hasWeekendBar(s: CandleSeries): boolean {
  for (let i = 0; i < s.length; i++) {
    const day = new Date(s.time[i] as number).getUTCDay();
    if (day === 0 || day === 6) return true;
  }
  return false;
}
