import type { ScreenTrade } from "./simulate.js";

/** The metrics a search ranks by, computed like src/backtest/metrics (sample std, annualized by bars per year). */
export interface ScreenMetrics {
  readonly totalReturn: number;
  /** Annualized Sharpe of per-bar returns; null below 30 returns or with zero volatility (as the engine's metrics). */
  readonly sharpe: number | null;
  /** Largest peak-to-trough fall of equity, a fraction (0.05 = 5 %). */
  readonly maxDrawdown: number;
  readonly trades: number;
  readonly winRate: number | null;
  /** Per-bar returns of the equity, for the deflated Sharpe ratio, PBO and the bootstrap; empty unless asked for. */
  readonly returns: Float64Array;
}

export const MIN_RETURNS_FOR_SHARPE = 30;

export function screenMetrics(
  equity: Float64Array,
  trades: readonly ScreenTrade[],
  cash: number,
  periodsPerYear: number,
  keepReturns = true,
): ScreenMetrics {
  const n = equity.length;
  const returns = new Float64Array(keepReturns ? n : 0);
  let previous = cash;
  let peak = cash;
  let maxDrawdown = 0;
  // Welford's running mean and variance, so the Sharpe needs no returns array.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    const r = previous > 0 ? e / previous - 1 : 0;
    if (keepReturns) returns[i] = r;
    const delta = r - mean;
    mean += delta / (i + 1);
    m2 += delta * (r - mean);
    previous = e;
    if (e > peak) peak = e;
    else if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - e) / peak);
  }
  let wins = 0;
  for (const t of trades) if (t.netPnl > 0) wins++;
  return {
    totalReturn: n > 0 ? (equity[n - 1] as number) / cash - 1 : 0,
    sharpe: sharpeFromMoments(n, mean, m2, periodsPerYear),
    maxDrawdown,
    trades: trades.length,
    winRate: trades.length > 0 ? wins / trades.length : null,
    returns,
  };
}

function sharpeFromMoments(n: number, mean: number, m2: number, periodsPerYear: number): number | null {
  if (n < MIN_RETURNS_FOR_SHARPE) return null;
  const std = Math.sqrt(m2 / (n - 1));
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
