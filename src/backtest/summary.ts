import type { CandleSeries } from "../domain/candles.js";
import { buyAndHoldIndex } from "./benchmark.js";
import { dailyEquity, simpleReturns } from "./metrics/daily-equity.js";
import { computeMetrics, type Metrics } from "./metrics/index.js";
import { type ValueAtRisk, valueAtRisk } from "./metrics/value-at-risk.js";
import { type RiskEffect, summarizeRiskEffect } from "./risk-effect.js";
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

/** Which returns the annualized figures come from, and why. */
export interface ReturnCalendar {
  readonly returns: "bars" | "daily";
  readonly periodsPerYear: number | null;
  readonly note: string;
}

export interface BacktestSummary {
  readonly meta: RunMeta;
  readonly metrics: Metrics;
  readonly calendar: ReturnCalendar;
  /** Of the portfolio's daily returns (last equity sample of each UTC day). */
  readonly valueAtRisk: ValueAtRisk & { readonly basis: string };
  /** What the risk shield resized, denied and halted, per layer, with reasons. */
  readonly risk: RiskEffect;
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
  "a bar that opens beyond the stop fills the stop at the open; one that opens beyond the take-profit fills the take-profit at the open, even if the bar later reaches the stop; when a bar opens between them and its range touches both, the stop-loss fills first (pessimistic)",
  "trailing stops move with each closed bar's best price, effective from the next bar",
  "positions still open at the end are closed at the last bar's close (reason: end of backtest)",
  "indicators are computed over closed bars only; a strategy cannot read a later bar",
] as const;

/** `benchmark`: the buy-and-hold index at the equity curve's times, if the caller computed it (to share it). */
export function summarize(
  result: BacktestResult,
  series: readonly CandleSeries[],
  meta: RunMeta,
  benchmark = buyAndHoldIndex(series, result.equity.time),
): BacktestSummary {
  const mixed = new Set(series.map((s) => s.timeframe)).size > 1;
  const daily = series.every((s) => s.timeframe === "1d");
  // Daily samples with no weekend bars are exchange sessions: 252 a year, not 365.
  const weekdaysOnly = (daily || mixed) && series.every((s) => !hasWeekendBar(s));
  const metrics = computeMetrics({
    equity: result.equity,
    trades: result.trades,
    initialCash: meta.cash,
    benchmarkClose: benchmark,
    inMarket: result.inMarket,
    ...(mixed ? { returnBasis: "daily" as const } : {}),
    ...(weekdaysOnly ? { periodsPerYear: 252 } : {}),
  });
  const seconds = result.elapsedMs / 1000;
  const dailyReturns = simpleReturns(dailyEquity(result.equity).equity);
  return {
    meta,
    metrics,
    calendar: returnCalendar(series, mixed, metrics.periodsPerYear),
    valueAtRisk: {
      basis: "portfolio equity, simple returns between the last samples of consecutive UTC days",
      ...valueAtRisk(dailyReturns),
    },
    risk: summarizeRiskEffect(result.decisions, result.halt),
    finalEquity: result.equity.equity[result.equity.equity.length - 1] ?? meta.cash,
    elapsedMs: result.elapsedMs,
    barsPerSecond: seconds > 0 ? result.bars / seconds : 0,
    decisions: result.decisions.length,
    halted: result.halted,
    assumptions: ASSUMPTIONS,
  };
}

/** "1h", or "mixed (1h, 1d)" for a portfolio of different bar lengths. */
export function timeframeLabel(series: readonly CandleSeries[]): string | undefined {
  const frames = [...new Set(series.map((s) => s.timeframe))];
  return frames.length > 1 ? `mixed (${frames.join(", ")})` : frames[0];
}

function returnCalendar(
  series: readonly CandleSeries[],
  mixed: boolean,
  periodsPerYear: number | null,
): ReturnCalendar {
  const perYear = periodsPerYear === null ? "unknown" : String(Math.round(periodsPerYear));
  if (mixed) {
    return {
      returns: "daily",
      periodsPerYear,
      note: `bar lengths differ (${timeframeLabel(series)}): volatility, Sharpe and Sortino use daily returns (last equity sample of each UTC day), ${perYear} a year`,
    };
  }
  return {
    returns: "bars",
    periodsPerYear,
    note: `volatility, Sharpe and Sortino use per-bar returns of ${series[0]?.timeframe ?? "?"} bars, ${perYear} a year`,
  };
}

function hasWeekendBar(s: CandleSeries): boolean {
  for (let i = 0; i < s.length; i++) {
    const day = new Date(s.time[i] as number).getUTCDay();
    if (day === 0 || day === 6) return true;
  }
  return false;
}
