import type { ScreenTrade } from "./simulate.js";

/** The metrics a search ranks by, computed like src/backtest/metrics (sample std, annualized by bars per year). */
export interface ScreenMetrics {
  readonly totalReturn: number;
  /** Annualized Sharpe of per-bar returns; null below 30 returns or with zero volatility (as the engine's metrics). */
  readonly sharpe: number | null;
  /** Largest peak-to-trough fall of equity, a fraction (0.05 = 5 %). */
  readonly maxDrawdown: number;
  readonly trades: number;
  /** Trades with a net P&L above zero. */
  readonly wins: number;
  readonly winRate: number | null;
  /** Per-bar returns of the equity, for the deflated Sharpe ratio, PBO and the bootstrap; empty unless asked for. */
  readonly returns: Float64Array;
}

export const MIN_RETURNS_FOR_SHARPE = 30;

/** Returns of a run whose returns are not kept, reused from run to run (one per thread: JS runs one at a time). */
let scratch = new Float64Array(0);

export function screenMetrics(
  equity: Float64Array,
  /** The trades, or their count and wins when the trades themselves were not kept. */
  trades: readonly ScreenTrade[] | { readonly count: number; readonly wins: number },
  cash: number,
  periodsPerYear: number,
  keepReturns = true,
): ScreenMetrics {
  const n = equity.length;
  if (!keepReturns && scratch.length < n) scratch = new Float64Array(n);
  const returns = keepReturns ? new Float64Array(n) : scratch;
  // Two passes over the returns (annualizedSharpe's arithmetic) rather than Welford's running mean: Welford divides
  // on the loop-carried chain at every bar, which profiled as a tenth of all screening time.
  let previous = cash;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    const r = previous > 0 ? e / previous - 1 : 0;
    returns[i] = r;
    sum += r;
    previous = e;
  }
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((returns[i] as number) - mean) ** 2;
  let wins = 0;
  let count = 0;
  if ("count" in trades) ({ count, wins } = trades);
  else {
    count = trades.length;
    for (const t of trades) if (t.netPnl > 0) wins++;
  }
  return {
    totalReturn: n > 0 ? (equity[n - 1] as number) / cash - 1 : 0,
    sharpe: sharpeFromMoments(n, mean, squares, periodsPerYear),
    maxDrawdown: maxDrawdownOf(equity, cash),
    trades: count,
    wins,
    winRate: count > 0 ? wins / count : null,
    returns: keepReturns ? returns : EMPTY,
  };
}

const EMPTY = new Float64Array(0);

/** A returns buffer for a run whose returns are not kept: this thread's scratch, grown to `n`. */
export function returnsScratch(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/**
 * The metrics of a run whose first pass (returns, their sum, the drawdown) the position loop already made
 * (simulate.ts): the same numbers as screenMetrics over its equity, without reading the equity again.
 */
export function runMetrics(
  run: {
    readonly equity: Float64Array;
    readonly returns: Float64Array;
    readonly sumOfReturns: number;
    readonly maxDrawdown: number;
    readonly tradeCount: number;
    readonly wins: number;
  },
  cash: number,
  periodsPerYear: number,
  keepReturns: boolean,
): ScreenMetrics {
  const { equity, returns } = run;
  const n = equity.length;
  const mean = n > 0 ? run.sumOfReturns / n : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((returns[i] as number) - mean) ** 2;
  const count = run.tradeCount;
  return {
    totalReturn: n > 0 ? (equity[n - 1] as number) / cash - 1 : 0,
    sharpe: sharpeFromMoments(n, mean, squares, periodsPerYear),
    maxDrawdown: run.maxDrawdown,
    trades: count,
    wins: run.wins,
    winRate: count > 0 ? run.wins / count : null,
    returns: keepReturns ? returns : EMPTY,
  };
}

/**
 * Largest (peak − equity) / peak, starting from a peak of `cash`. For one peak the largest fall is at the lowest
 * equity before the next peak, so this divides once per peak instead of once per bar; the result is the same number.
 */
export function maxDrawdownOf(equity: Float64Array, cash: number): number {
  let peak = cash;
  let trough = cash;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number;
    if (e > peak) {
      if (peak > 0) worst = Math.max(worst, (peak - trough) / peak);
      peak = e;
      trough = e;
    } else if (e < trough) trough = e;
  }
  return peak > 0 ? Math.max(worst, (peak - trough) / peak) : worst;
}

function sharpeFromMoments(n: number, mean: number, squares: number, periodsPerYear: number): number | null {
  if (n < MIN_RETURNS_FOR_SHARPE) return null;
  const std = Math.sqrt(squares / (n - 1));
  if (!(std > 1e-12)) return null;
  return (mean / std) * Math.sqrt(periodsPerYear);
}

/** mean / sample std × √periodsPerYear; null when undefined or meaningless (too short, flat). */
export function annualizedSharpe(returns: ArrayLike<number>, periodsPerYear: number): number | null {
  const n = returns.length;
  if (n < MIN_RETURNS_FOR_SHARPE) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((returns[i] as number) - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  if (!(std > 1e-12)) return null;
  return (mean / std) * Math.sqrt(periodsPerYear);
}
