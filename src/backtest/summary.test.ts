import { describe, expect, it } from "vitest";
import { type CandleSeries, seriesFromCandles } from "../domain/candles.js";
import type { Timeframe } from "../domain/timeframe.js";
import { BUY, scripted } from "../risk/limits/testing/scripted.js";
import { runBacktest } from "./run-backtest.js";
import { type RunMeta, summarize, timeframeLabel } from "./summary.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);

/** A seeded random walk of `count` bars of `stepMs`, each opening at the previous close. */
function walk(symbol: string, timeframe: Timeframe, stepMs: number, count: number, seed: number): CandleSeries {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  let close = 100;
  return seriesFromCandles(
    symbol,
    timeframe,
    Array.from({ length: count }, (_, i) => {
      const open = close;
      close = open * (1 + (random() - 0.5) * 0.02);
      return {
        time: T0 + i * stepMs,
        open,
        high: Math.max(open, close),
        low: Math.min(open, close),
        close,
        volume: 1e6,
      };
    }),
  );
}

const meta = (series: readonly CandleSeries[]): RunMeta => ({
  strategy: "scripted",
  parameters: {},
  symbols: series.map((s) => s.symbol),
  timeframe: timeframeLabel(series),
  dataSource: "test",
  dataRange: { from: T0, to: T0 + 90 * DAY },
  bars: 0,
  cash: 10_000,
  fee: 0,
  slippage: "none",
  size: "50%",
  seed: 1,
  dataHash: "",
  configHash: "",
  sample: { kind: "unspecified" },
});

describe("summary of a portfolio mixing 1h and 1d bars", () => {
  const hourly = walk("H/USDT", "1h", HOUR, 90 * 24, 7);
  const daily = walk("D/USDT", "1d", DAY, 90, 11);
  const series = [hourly, daily];
  const result = runBacktest({
    feeds: series.map((s) => ({
      series: s,
      strategy: scripted({ 0: BUY }),
      size: { type: "percent-equity", value: 45 },
    })),
    cash: 10_000,
    fee: 0,
  });
  const summary = summarize(result, series, meta(series));

  it("annualizes daily returns with 365 periods a year and says so", () => {
    expect(summary.meta.timeframe).toBe("mixed (1h, 1d)");
    expect(summary.metrics.periodsPerYear).toBe(365);
    expect(summary.calendar.returns).toBe("daily");
    expect(summary.calendar.note).toMatch(/bar lengths differ \(mixed \(1h, 1d\)\): .*daily returns.*365 a year/);
  });

  it("computes the Sharpe ratio from the last equity sample of each UTC day", () => {
    const { time, equity } = result.equity;
    const closes: number[] = [];
    for (let i = 0; i < time.length; i++) {
      const lastOfDay = i === time.length - 1 || Math.floor(time[i + 1]! / DAY) !== Math.floor(time[i]! / DAY);
      if (lastOfDay) closes.push(equity[i]!);
    }
    const returns = closes.slice(1).map((c, i) => c / closes[i]! - 1);
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(returns.length).toBe(89);
    expect(summary.metrics.sharpe).toBeCloseTo((mean / std) * Math.sqrt(365), 9);
    expect(summary.valueAtRisk.observations).toBe(89);
  });

  it("keeps per-bar returns for a single timeframe", () => {
    const single = summarize(
      runBacktest({ feeds: [{ series: hourly, strategy: scripted({ 0: BUY }) }], cash: 10_000 }),
      [hourly],
      meta([hourly]),
    );
    expect(single.metrics.periodsPerYear).toBe(8760);
    expect(single.calendar.returns).toBe("bars");
    expect(single.meta.timeframe).toBe("1h");
  });
});
