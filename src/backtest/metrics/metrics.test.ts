import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClosedTrade } from "../../domain/trade.js";
import { METRIC_DEFINITIONS, METRIC_KEYS, type Metrics } from "./metric-definitions.js";
import { computeMetrics, type MetricsInput } from "./metrics.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

// ---- independent reference computations: plain arrays, reduce, brute force -------------------------------------

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => sum(xs) / xs.length;
const sampleStd = (xs: number[]): number => {
  const mu = mean(xs);
  return Math.sqrt(sum(xs.map((x) => (x - mu) ** 2)) / (xs.length - 1));
};
const simpleReturns = (xs: number[]): number[] => xs.slice(1).map((x, i) => x / xs[i]! - 1);

/** Max drawdown by definition: for every bar, the fall from the highest value seen so far. O(n^2) on purpose. */
function bruteMaxDrawdown(xs: number[]): number {
  return Math.max(...xs.map((x, j) => 1 - x / Math.max(...xs.slice(0, j + 1))));
}

/** Longest underwater span: for every underwater bar, from the last bar at the running peak to the first bar back at it. */
function bruteLongestDrawdown(xs: number[], times: number[]): { ms: number; bars: number } {
  let best = { ms: 0, bars: 0 };
  xs.forEach((x, j) => {
    const peak = Math.max(...xs.slice(0, j + 1));
    if (x >= peak) return;
    const peakIndex = xs.slice(0, j + 1).lastIndexOf(peak);
    const back = xs.findIndex((y, k) => k > j && y >= peak);
    const end = back === -1 ? xs.length - 1 : back;
    const ms = times[end]! - times[peakIndex]!;
    if (ms > best.ms) best = { ms, bars: end - peakIndex };
  });
  return best;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- fixtures --------------------------------------------------------------------------------------------------

function curve(values: number[], stepMs = HOUR, start = T0): MetricsInput["equity"] {
  return {
    time: Float64Array.from(values, (_, i) => start + i * stepMs),
    equity: Float64Array.from(values),
  };
}

function trade(id: number, fields: Partial<ClosedTrade>): ClosedTrade {
  return {
    id,
    symbol: "BTC/USDT",
    side: "long",
    quantity: 1,
    entryTime: T0,
    exitTime: T0 + HOUR,
    entryPrice: 100,
    exitPrice: 100,
    fees: 0,
    funding: 0,
    netPnl: 0,
    returnPct: 0,
    exitReason: "signal",
    barsHeld: 1,
    ...fields,
  };
}

function randomWalk(bars: number, seed: number, start = 10_000): number[] {
  const random = mulberry32(seed);
  const values = [start];
  for (let i = 1; i < bars; i++) values.push(values[i - 1]! * (1 + (random() - 0.49) * 0.02));
  return values;
}

/** Every metric is a finite number or null: never NaN or Infinity. */
function expectOnlyNumbersOrNull(metrics: Metrics): void {
  for (const key of METRIC_KEYS) {
    const value = metrics[key];
    if (value !== null) expect(Number.isFinite(value), `${key} = ${value}`).toBe(true);
  }
}

// ---- tests -----------------------------------------------------------------------------------------------------

describe("computeMetrics on a hand-computed 5-bar curve", () => {
  // Equity 100, 110, 99, 108.9, 119.79 on daily bars, periodsPerYear 252.
  // Returns r = +0.1, -0.1, +0.1, +0.1. Mean 0.05. Deviations 0.05, -0.15, 0.05, 0.05; squares sum 0.03;
  // sample variance 0.03 / 3 = 0.01; std 0.1. Sharpe = 0.05 / 0.1 * sqrt(252) = 0.5 * 15.8745 = 7.93725.
  // Downside deviation = sqrt((0 + 0.01 + 0 + 0) / 4) = 0.05; Sortino = 0.05 / 0.05 * sqrt(252) = 15.8745.
  // Volatility = 0.1 * sqrt(252) = 1.587451. Max drawdown: peak 110 (bar 1), trough 99 (bar 2) = 10 %,
  // recovered at bar 4 (119.79 >= 110; 108.9 is not). Longest drawdown: bar 1 -> bar 4 = 3 bars = 3 days.
  // Total return 19.79 %. Years = 4 days / 365.25; CAGR = 1.1979^(365.25 / 4) - 1; Calmar = CAGR / 0.1.
  const metrics = computeMetrics({
    equity: curve([100, 110, 99, 108.9, 119.79], DAY),
    trades: [],
    initialCash: 100,
    periodsPerYear: 252,
    minPeriodsForRatios: 4,
  });

  it("matches the hand computation", () => {
    expect(metrics.totalReturn).toBeCloseTo(0.1979, 12);
    expect(metrics.annualizedVolatility).toBeCloseTo(1.587451, 5);
    expect(metrics.sharpe).toBeCloseTo(7.937254, 5);
    expect(metrics.sortino).toBeCloseTo(15.874508, 5);
    expect(metrics.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(metrics.maxDrawdownPeakTime).toBe(T0 + DAY);
    expect(metrics.maxDrawdownTroughTime).toBe(T0 + 2 * DAY);
    expect(metrics.maxDrawdownRecoveryTime).toBe(T0 + 4 * DAY);
    expect(metrics.maxDrawdownDurationBars).toBe(3);
    expect(metrics.maxDrawdownDurationMs).toBe(3 * DAY);
    expect(metrics.years).toBeCloseTo(4 / 365.25, 15);
    const cagr = 1.1979 ** (365.25 / 4) - 1;
    expect(metrics.cagr! / cagr).toBeCloseTo(1, 10);
    expect(metrics.calmar! / (cagr / 0.1)).toBeCloseTo(1, 10);
    expect(metrics.bars).toBe(5);
    expect(metrics.startTime).toBe(T0);
    expect(metrics.endTime).toBe(T0 + 4 * DAY);
    expectOnlyNumbersOrNull(metrics);
  });
});

describe("computeMetrics against an independent computation on a random walk", () => {
  const values = randomWalk(600, 7);
  const equity = curve(values);
  const times = Array.from(equity.time);
  const returns = simpleReturns(values);

  it("infers 8760 periods per year from hourly bars and matches volatility, Sharpe, Sortino", () => {
    const metrics = computeMetrics({ equity, trades: [], initialCash: 10_000 });
    expect(metrics.periodsPerYear).toBe(8760);
    const std = sampleStd(returns);
    expect(metrics.annualizedVolatility).toBeCloseTo(std * Math.sqrt(8760), 10);
    expect(metrics.sharpe).toBeCloseTo((mean(returns) / std) * Math.sqrt(8760), 8);
    const downside = Math.sqrt(mean(returns.map((r) => Math.min(r, 0) ** 2)));
    expect(metrics.sortino).toBeCloseTo((mean(returns) / downside) * Math.sqrt(8760), 8);
    expectOnlyNumbersOrNull(metrics);
  });

  it("subtracts the per-bar risk-free rate from the mean return", () => {
    const metrics = computeMetrics({ equity, trades: [], initialCash: 10_000, riskFreeRate: 0.05 });
    const perBar = 1.05 ** (1 / 8760) - 1;
    const excess = returns.map((r) => r - perBar);
    expect(metrics.sharpe).toBeCloseTo((mean(excess) / sampleStd(excess)) * Math.sqrt(8760), 8);
  });

  it("matches brute-force drawdown depth and duration, and CAGR over (last - first) / 365.25 days", () => {
    const metrics = computeMetrics({ equity, trades: [], initialCash: 10_000 });
    expect(metrics.maxDrawdown).toBeCloseTo(bruteMaxDrawdown(values), 12);
    const longest = bruteLongestDrawdown(values, times);
    expect(metrics.maxDrawdownDurationMs).toBe(longest.ms);
    expect(metrics.maxDrawdownDurationBars).toBe(longest.bars);
    const years = (times.at(-1)! - times[0]!) / (365.25 * DAY);
    expect(metrics.cagr).toBeCloseTo((values.at(-1)! / 10_000) ** (1 / years) - 1, 8);
    expect(metrics.calmar).toBeCloseTo(metrics.cagr! / bruteMaxDrawdown(values), 8);
  });

  it("uses the given periodsPerYear instead of inferring it", () => {
    const metrics = computeMetrics({ equity, trades: [], initialCash: 10_000, periodsPerYear: 252 });
    expect(metrics.periodsPerYear).toBe(252);
    expect(metrics.annualizedVolatility).toBeCloseTo(sampleStd(returns) * Math.sqrt(252), 10);
  });
});

describe("computeMetrics drawdowns on constructed curves", () => {
  it("reports an unrecovered drawdown at the end with its duration to the last bar", () => {
    const metrics = computeMetrics({ equity: curve([100, 120, 90, 100, 80, 110]), trades: [], initialCash: 100 });
    expect(metrics.maxDrawdown).toBeCloseTo(40 / 120, 12);
    expect(metrics.maxDrawdownPeakTime).toBe(T0 + HOUR);
    expect(metrics.maxDrawdownTroughTime).toBe(T0 + 4 * HOUR);
    expect(metrics.maxDrawdownRecoveryTime).toBeNull();
    expect(metrics.notes.some((note) => /Max drawdown recovery: n\/a, .*not recovered/.test(note))).toBe(true);
    expect(metrics.maxDrawdownDurationBars).toBe(4);
    expect(metrics.maxDrawdownDurationMs).toBe(4 * HOUR);
  });

  it("takes the longest drawdown even when it is not the deepest", () => {
    const values = [100, 50, 100, 95, 96, 97, 98, 99, 99.5, 100, 101];
    const metrics = computeMetrics({ equity: curve(values), trades: [], initialCash: 100 });
    expect(metrics.maxDrawdown).toBe(0.5);
    expect(metrics.maxDrawdownPeakTime).toBe(T0);
    expect(metrics.maxDrawdownRecoveryTime).toBe(T0 + 2 * HOUR);
    expect(metrics.maxDrawdownDurationBars).toBe(7); // bar 2 (back at 100) -> bar 9 (100 again)
    expect(metrics.maxDrawdownDurationMs).toBe(7 * HOUR);
  });

  it("picks the longest drawdown by time, not by bar count, when bars are unevenly spaced", () => {
    // Episode 1: 0h -> 20h (2 bars, 20 hours). Episode 2: 21h -> 24h, unrecovered (3 bars, 3 hours).
    const hours = [0, 18, 20, 21, 22, 23, 24];
    const equity = {
      time: Float64Array.from(hours, (h) => T0 + h * HOUR),
      equity: Float64Array.from([100, 90, 100, 100, 99, 98, 97]),
    };
    const metrics = computeMetrics({ equity, trades: [], initialCash: 100 });
    expect(metrics.maxDrawdownDurationMs).toBe(20 * HOUR);
    expect(metrics.maxDrawdownDurationBars).toBe(2);
    expect(bruteLongestDrawdown(Array.from(equity.equity), Array.from(equity.time))).toEqual({
      ms: 20 * HOUR,
      bars: 2,
    });
  });
});

describe("computeMetrics drawdowns against brute force on random curves with ties", () => {
  it("agrees on depth, duration, and the peak and trough it reports", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 40 }), (values) => {
        const equity = curve(values);
        const metrics = computeMetrics({ equity, trades: [], initialCash: values[0]! });
        const depth = bruteMaxDrawdown(values);
        expect(metrics.maxDrawdown).toBeCloseTo(depth, 12);
        expect({ ms: metrics.maxDrawdownDurationMs, bars: metrics.maxDrawdownDurationBars }).toEqual(
          bruteLongestDrawdown(values, Array.from(equity.time)),
        );
        if (depth > 0) {
          const peak = values[(metrics.maxDrawdownPeakTime! - T0) / HOUR]!;
          const trough = values[(metrics.maxDrawdownTroughTime! - T0) / HOUR]!;
          expect(1 - trough / peak).toBeCloseTo(depth, 12);
          const recovery = values.findIndex((v, i) => T0 + i * HOUR > metrics.maxDrawdownTroughTime! && v >= peak);
          expect(metrics.maxDrawdownRecoveryTime).toBe(recovery === -1 ? null : T0 + recovery * HOUR);
        }
      }),
      { seed: 20_240_101, numRuns: 300 },
    );
  });
});

describe("computeMetrics below the minimum sample", () => {
  it("gives n/a for Sharpe, Sortino and Calmar below minPeriodsForRatios, with a note", () => {
    const metrics = computeMetrics({ equity: curve(randomWalk(10, 3), DAY), trades: [], initialCash: 10_000 });
    expect(metrics.sharpe).toBeNull();
    expect(metrics.sortino).toBeNull();
    expect(metrics.calmar).toBeNull();
    expect(metrics.notes).toContain("Sharpe ratio, Sortino ratio: n/a, only 9 bar returns (minimum 30)");
    expect(metrics.notes).toContain("Calmar ratio: n/a, only 9 bar returns (minimum 30)");
    expect(metrics.annualizedVolatility).not.toBeNull(); // a descriptive statistic, not a ratio
  });

  it("gives n/a for win rate, profit factor and expectancy below minTradesForRatios, with a note", () => {
    const trades = [trade(1, { netPnl: 10 }), trade(2, { netPnl: -5 }), trade(3, { netPnl: 20 })];
    const metrics = computeMetrics({ equity: curve(randomWalk(100, 3)), trades, initialCash: 10_000 });
    for (const key of ["winRate", "profitFactor", "expectancy", "expectancyPct"] as const) {
      expect(metrics[key]).toBeNull();
    }
    expect(metrics.notes).toContain(
      "Win rate, Profit factor, Expectancy, Expectancy (%): n/a, only 3 trades (minimum 30)",
    );
    expect(metrics.tradeCount).toBe(3);
    expect(metrics.largestWin).toBe(20); // facts about the trades are still shown
  });
});

describe("computeMetrics trade statistics", () => {
  const random = mulberry32(11);
  const trades = Array.from({ length: 40 }, (_, k) => {
    const netPnl = Math.round((random() * 250 - 100) * 100) / 100;
    return trade(k + 1, {
      side: k % 3 === 0 ? "short" : "long",
      netPnl,
      returnPct: netPnl / 10_000,
      fees: random() * 3,
      funding: random() - 0.5,
      barsHeld: 1 + Math.floor(random() * 20),
    });
  });
  const pnls = trades.map((t) => t.netPnl);
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);

  it("matches an independent computation over 40 trades", () => {
    const metrics = computeMetrics({
      equity: curve(randomWalk(100, 5)),
      trades,
      initialCash: 10_000,
      extraFees: 1.5,
      extraFunding: 0.25,
    });
    expect(metrics.tradeCount).toBe(40);
    expect(metrics.shortTradeCount).toBe(trades.filter((t) => t.side === "short").length);
    expect(metrics.longTradeCount).toBe(40 - metrics.shortTradeCount!);
    expect(metrics.winRate).toBeCloseTo(wins.length / 40, 12);
    expect(metrics.profitFactor).toBeCloseTo(sum(wins) / -sum(losses), 10);
    expect(metrics.expectancy).toBeCloseTo(mean(pnls), 10);
    expect(metrics.expectancyPct).toBeCloseTo(mean(pnls) / 10_000, 12);
    expect(metrics.averageWin).toBeCloseTo(mean(wins), 10);
    expect(metrics.averageLoss).toBeCloseTo(mean(losses), 10);
    expect(metrics.largestWin).toBe(Math.max(...pnls));
    expect(metrics.largestLoss).toBe(Math.min(...pnls));
    expect(metrics.averageBarsHeld).toBeCloseTo(mean(trades.map((t) => t.barsHeld)), 12);
    expect(metrics.feesPaid).toBeCloseTo(sum(trades.map((t) => t.fees)) + 1.5, 10);
    expect(metrics.fundingPaid).toBeCloseTo(sum(trades.map((t) => t.funding)) + 0.25, 10);
    expectOnlyNumbersOrNull(metrics);
  });

  it("gives profit factor n/a with the note 'no losing trades' when no trade lost", () => {
    const winners = [trade(1, { netPnl: 10 }), trade(2, { netPnl: 0 }), trade(3, { netPnl: 30 })];
    const metrics = computeMetrics({
      equity: curve(randomWalk(50, 1)),
      trades: winners,
      initialCash: 10_000,
      minTradesForRatios: 1,
    });
    expect(metrics.profitFactor).toBeNull();
    expect(metrics.notes).toContain("Profit factor: n/a, no losing trades");
    expect(metrics.winRate).toBeCloseTo(2 / 3, 12); // the break-even trade is not a win
    expect(metrics.averageLoss).toBeNull();
    expect(metrics.largestLoss).toBeNull();
    expect(metrics.expectancy).toBeCloseTo(40 / 3, 12);
  });

  it("handles a zero-trade backtest: counts 0, trade ratios n/a, exposure 0, fees of open positions only", () => {
    const metrics = computeMetrics({ equity: curve(randomWalk(50, 2)), trades: [], initialCash: 10_000, extraFees: 2 });
    expect(metrics.tradeCount).toBe(0);
    expect(metrics.longTradeCount).toBe(0);
    expect(metrics.shortTradeCount).toBe(0);
    expect(metrics.winRate).toBeNull();
    expect(metrics.profitFactor).toBeNull();
    expect(metrics.averageBarsHeld).toBeNull();
    expect(metrics.exposure).toBe(0);
    expect(metrics.feesPaid).toBe(2);
    expect(metrics.fundingPaid).toBe(0);
    expect(metrics.notes.some((note) => note.startsWith("Win rate") && note.endsWith("no closed trades"))).toBe(true);
    expectOnlyNumbersOrNull(metrics);
  });
});

describe("computeMetrics edge curves", () => {
  it("gives volatility 0 and Sharpe, Sortino, Calmar n/a on a constant curve, never NaN or Infinity", () => {
    const metrics = computeMetrics({ equity: curve(new Array(100).fill(5000)), trades: [], initialCash: 5000 });
    expect(metrics.annualizedVolatility).toBe(0);
    expect(metrics.sharpe).toBeNull();
    expect(metrics.sortino).toBeNull();
    expect(metrics.calmar).toBeNull();
    expect(metrics.maxDrawdown).toBe(0);
    expect(metrics.maxDrawdownDurationMs).toBe(0);
    expect(metrics.totalReturn).toBe(0);
    expect(metrics.cagr).toBe(0);
    expect(metrics.notes).toContain("Sharpe ratio: n/a, equity never moved (zero volatility)");
    expect(metrics.notes).toContain("Calmar ratio: n/a, no drawdown");
    expectOnlyNumbersOrNull(metrics);
  });

  it("gives Sharpe and Sortino n/a for a curve compounding at a constant rate, whose std is float noise", () => {
    const values = Array.from({ length: 500 }, (_, i) => 100 * 1.000001 ** i);
    const metrics = computeMetrics({ equity: curve(values), trades: [], initialCash: 100 });
    expect(metrics.annualizedVolatility).toBeLessThan(1e-9);
    expect(metrics.sharpe).toBeNull();
    expect(metrics.sortino).toBeNull();
    expect(metrics.notes).toContain("Sortino ratio: n/a, no bar lost money (zero downside deviation)");
  });

  it("gives CAGR n/a with a note when equity ends negative, and stops returns at the first non-positive bar", () => {
    const values = [100, 80, 50, -10, -20, ...new Array(40).fill(-20)];
    const metrics = computeMetrics({ equity: curve(values, DAY), trades: [], initialCash: 100 });
    expect(metrics.cagr).toBeNull();
    expect(metrics.notes.some((note) => /^CAGR: n\/a, final equity -20 is not positive/.test(note))).toBe(true);
    expect(metrics.totalReturn).toBeCloseTo(-1.2, 12);
    expect(metrics.maxDrawdown).toBeCloseTo(1.2, 12); // from 100 to -20
    expect(metrics.sharpe).toBeNull();
    expect(metrics.annualizedVolatility).toBeNull();
    const when = new Date(T0 + 3 * DAY).toISOString();
    expect(metrics.notes).toContain(
      `Annualized volatility, Sharpe ratio, Sortino ratio: n/a, equity fell to zero or below at ${when}, later returns undefined`,
    );
    expectOnlyNumbersOrNull(metrics);
  });

  it("gives CAGR n/a for a backtest shorter than one day", () => {
    const metrics = computeMetrics({ equity: curve([100, 101, 102]), trades: [], initialCash: 100 });
    expect(metrics.cagr).toBeNull();
    expect(metrics.notes).toContain("CAGR: n/a, the backtest spans less than one day, too short to annualize");
  });

  it("returns all-n/a metrics with notes for an empty curve instead of throwing", () => {
    const empty = { time: new Float64Array(0), equity: new Float64Array(0) };
    const metrics = computeMetrics({
      equity: empty,
      trades: [],
      initialCash: 100,
      benchmarkClose: new Float64Array(0),
    });
    expect(metrics.bars).toBe(0);
    expect(metrics.totalReturn).toBeNull();
    expect(metrics.maxDrawdown).toBeNull();
    expect(metrics.notes[0]).toBe("Total return, CAGR, Max drawdown, Exposure: n/a, the equity curve is empty");
    expectOnlyNumbersOrNull(metrics);
  });

  it("infers 365 periods per year for daily equity bars with weekends (pass 252 to annualize by trading days)", () => {
    const weekdays: number[] = [];
    for (let day = 0; weekdays.length < 200; day++) {
      const t = T0 + day * DAY;
      const weekday = new Date(t).getUTCDay();
      if (weekday !== 0 && weekday !== 6) weekdays.push(t);
    }
    const equity = { time: Float64Array.from(weekdays), equity: Float64Array.from(randomWalk(200, 9)) };
    expect(computeMetrics({ equity, trades: [], initialCash: 10_000 }).periodsPerYear).toBe(365);
  });
});

describe("computeMetrics exposure", () => {
  const equity = curve(randomWalk(10, 4));
  const bar = (i: number): number => T0 + i * HOUR;
  const trades = [
    trade(1, { entryTime: bar(1), exitTime: bar(4) }),
    trade(2, { symbol: "ETH/USDT", entryTime: bar(3), exitTime: bar(6) }), // overlaps trade 1
    trade(3, { entryTime: bar(8), exitTime: bar(8) }), // opened and closed on the same bar
    trade(4, { entryTime: bar(0) - 5 * HOUR, exitTime: bar(1) }), // opened before the curve starts
    trade(5, { entryTime: bar(8) + HOUR / 2, exitTime: bar(9) + HOUR }), // mid-bar fills, runs past the end
  ];

  it("counts bars with entryTime <= time < exitTime for any trade, overlaps once", () => {
    const times = Array.from(equity.time);
    const inMarket = times.filter((t) => trades.some((x) => x.entryTime <= t && t < x.exitTime)).length;
    expect(inMarket).toBe(7); // bars 0..5 and 9
    expect(computeMetrics({ equity, trades, initialCash: 10_000 }).exposure).toBeCloseTo(inMarket / 10, 12);
  });

  it("gives the same exposure whatever the order of the trades", () => {
    const sorted = [...trades].sort((a, b) => a.entryTime - b.entryTime);
    const shuffled = [trades[2]!, trades[0]!, trades[4]!, trades[3]!, trades[1]!];
    const exposure = (list: ClosedTrade[]) => computeMetrics({ equity, trades: list, initialCash: 10_000 }).exposure;
    expect(exposure(sorted)).toBeCloseTo(0.7, 12);
    expect(exposure(shuffled)).toBeCloseTo(0.7, 12);
  });

  it("uses the inMarket mask when given", () => {
    const inMarket = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(computeMetrics({ equity, trades, initialCash: 10_000, inMarket }).exposure).toBeCloseTo(0.3, 12);
  });
});

describe("computeMetrics buy-and-hold benchmark", () => {
  it("reports benchmark return, its max drawdown and the excess return", () => {
    const metrics = computeMetrics({
      equity: curve([100, 110, 105, 120]),
      trades: [],
      initialCash: 100,
      benchmarkClose: Float64Array.from([10, 12, 9, 15]),
    });
    expect(metrics.benchmarkReturn).toBeCloseTo(0.5, 12);
    expect(metrics.benchmarkMaxDrawdown).toBeCloseTo(0.25, 12);
    expect(metrics.excessReturnVsBenchmark).toBeCloseTo(0.2 - 0.5, 12);
  });

  it("says why the benchmark is n/a when no closes are given", () => {
    const metrics = computeMetrics({ equity: curve([100, 110]), trades: [], initialCash: 100 });
    expect(metrics.benchmarkReturn).toBeNull();
    expect(metrics.notes).toContain(
      "Buy & hold return, Buy & hold max drawdown, Excess return vs buy & hold: n/a, no benchmark closes given",
    );
  });
});

describe("computeMetrics input validation", () => {
  const good = curve([100, 101, 102]);
  it("rejects mismatched lengths naming both", () => {
    const equity = { time: good.time, equity: Float64Array.from([1, 2]) };
    expect(() => computeMetrics({ equity, trades: [], initialCash: 1 })).toThrow(/time has 3 values, equity has 2/);
  });
  it("rejects time that does not increase, naming the index", () => {
    const equity = { time: Float64Array.from([3, 5, 5]), equity: good.equity };
    expect(() => computeMetrics({ equity, trades: [], initialCash: 1 })).toThrow(
      /time\[2\] = 5 is not after time\[1\]/,
    );
  });
  it("rejects a NaN equity value naming the index", () => {
    const equity = { time: good.time, equity: Float64Array.from([1, Number.NaN, 2]) };
    expect(() => computeMetrics({ equity, trades: [], initialCash: 1 })).toThrow(/equity\[1\] is NaN/);
  });
  it("rejects a trade with a non-finite field naming the trade", () => {
    const trades = [trade(7, { netPnl: Number.NaN })];
    expect(() => computeMetrics({ equity: good, trades, initialCash: 1 })).toThrow(
      /trade 7 \(BTC\/USDT\): netPnl is NaN/,
    );
  });
  it("rejects a benchmark of the wrong length, a non-positive initial cash and a bad inMarket mask", () => {
    const close = Float64Array.from([1, 2]);
    expect(() => computeMetrics({ equity: good, trades: [], initialCash: 1, benchmarkClose: close })).toThrow(
      /benchmarkClose has 2 values, the equity curve has 3/,
    );
    expect(() => computeMetrics({ equity: good, trades: [], initialCash: 0 })).toThrow(/initialCash is 0/);
    const inMarket = new Uint8Array(4);
    expect(() => computeMetrics({ equity: good, trades: [], initialCash: 1, inMarket })).toThrow(/inMarket has 4/);
  });
});

describe("metric keys", () => {
  it("lists every metric exactly once with a unique label, in the same set as computeMetrics returns", () => {
    expect(new Set(METRIC_KEYS).size).toBe(METRIC_KEYS.length);
    expect(new Set(METRIC_DEFINITIONS.map((d) => d.label)).size).toBe(METRIC_KEYS.length);
    const metrics = computeMetrics({ equity: curve([100, 101]), trades: [], initialCash: 100 });
    const returned = Object.keys(metrics).filter((key) => key !== "notes");
    expect(returned.sort()).toEqual([...METRIC_KEYS].sort());
  });
});
