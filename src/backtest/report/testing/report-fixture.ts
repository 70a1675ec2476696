import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type CandleSeries, emptySeries } from "../../../domain/candles.js";
import { createRandom } from "../../../domain/random.js";
import type { ClosedTrade, EquityCurve } from "../../../domain/trade.js";
import { computeMetrics } from "../../metrics/metrics.js";
import type { ReportInput } from "../render-report.js";

const HOUR = 3_600_000;

/** A seeded hourly random walk from 2019-01-01 UTC. */
export function syntheticSeries(symbol: string, length: number, seed: number, startPrice = 100): CandleSeries {
  const random = createRandom(seed);
  const series = emptySeries(symbol, "1h", length);
  let price = startPrice;
  for (let i = 0; i < length; i++) {
    const open = price;
    const close = open * Math.exp(random.normal(0, 0.01));
    series.time[i] = Date.UTC(2019, 0, 1) + i * HOUR;
    series.open[i] = open;
    series.close[i] = close;
    series.high[i] = Math.max(open, close) * (1 + random.uniform(0, 0.004));
    series.low[i] = Math.min(open, close) * (1 - random.uniform(0, 0.004));
    series.volume[i] = random.uniform(10, 100);
    price = close;
  }
  return series;
}

/** Reads a normalized `timestamp,open,high,low,close,volume` .csv.gz file (see shared/data/SOURCES.md). */
export function readCsvGz(file: string, symbol: string): CandleSeries {
  const lines = gunzipSync(readFileSync(file)).toString("utf8").trim().split("\n");
  if (lines[0] !== "timestamp,open,high,low,close,volume") throw new Error(`${file}: unexpected header ${lines[0]}`);
  const series = emptySeries(symbol, "1h", lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(",").map(Number);
    series.time[i - 1] = cells[0] as number;
    series.open[i - 1] = cells[1] as number;
    series.high[i - 1] = cells[2] as number;
    series.low[i - 1] = cells[3] as number;
    series.close[i - 1] = cells[4] as number;
    series.volume[i - 1] = cells[5] as number;
  }
  return series;
}

/**
 * `count` non-overlapping trades spread evenly over the series, alternating long and short, all-in at the close,
 * with 0.1 % fees per side; and the equity curve they produce (marked to market at every close).
 */
export function tradesAndEquity(
  series: CandleSeries,
  count: number,
  cash = 10_000,
  exitReason: (index: number) => string = (i) => (i % 3 === 0 ? "stop loss" : "signal"),
): { trades: ClosedTrade[]; equity: EquityCurve } {
  const n = series.length;
  const equity = new Float64Array(n);
  const trades: ClosedTrade[] = [];
  const span = Math.floor(n / (count + 1));
  let balance = cash;
  let next = 0;
  for (let k = 0; k < count; k++) {
    const entryIndex = (k + 1) * span - Math.floor(span / 2);
    const exitIndex = entryIndex + Math.max(1, Math.floor(span / 3));
    for (; next < entryIndex; next++) equity[next] = balance;
    const side = k % 2 === 0 ? "long" : "short";
    const direction = side === "long" ? 1 : -1;
    const entryPrice = series.close[entryIndex] as number;
    const exitPrice = series.close[exitIndex] as number;
    const quantity = balance / entryPrice;
    const fees = 0.001 * quantity * (entryPrice + exitPrice);
    for (; next < exitIndex; next++) {
      equity[next] = balance + direction * quantity * ((series.close[next] as number) - entryPrice);
    }
    const netPnl = direction * quantity * (exitPrice - entryPrice) - fees;
    trades.push({
      id: k + 1,
      symbol: series.symbol,
      side,
      quantity,
      entryTime: series.time[entryIndex] as number,
      exitTime: series.time[exitIndex] as number,
      entryPrice,
      exitPrice,
      fees,
      funding: 0,
      netPnl,
      returnPct: netPnl / (quantity * entryPrice),
      exitReason: exitReason(k),
      barsHeld: exitIndex - entryIndex,
    });
    balance += netPnl;
  }
  for (; next < n; next++) equity[next] = balance;
  return { trades, equity: { time: Float64Array.from(series.time), equity } };
}

/** A complete report input for one series, with metrics computed and a buy-and-hold benchmark. */
export function reportInputFor(
  series: CandleSeries,
  trades: ClosedTrade[],
  equity: EquityCurve,
  overrides: Partial<ReportInput> = {},
): ReportInput {
  const cash = equity.equity[0] ?? 10_000;
  const first = series.close[0] as number;
  return {
    title: `Backtest ${series.symbol}`,
    generatedAt: Date.UTC(2026, 10, 21, 12, 0),
    series: [series],
    trades,
    equity,
    benchmark: { label: "Buy & hold", equity: Float64Array.from(series.close, (c) => (c / first) * cash) },
    metrics: computeMetrics({ equity, trades, initialCash: cash, benchmarkClose: series.close }),
    meta: {
      strategy: "sma-cross",
      parameters: { fast: 10, slow: 50 },
      seed: 42,
      dataHash: "d".repeat(64),
      configHash: "c".repeat(64),
      dataRange: { from: series.time[0] as number, to: series.time[series.length - 1] as number },
      fees: "0.10 % per fill (taker)",
      slippage: "fixed 5 bps",
      sample: { kind: "in-sample", note: "Parameters tuned on 2019-2026." },
    },
    ...overrides,
  };
}
