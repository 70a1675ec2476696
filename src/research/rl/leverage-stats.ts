/**
 * Performance per leverage level (Algo Trading Lab's leverage manager): trades, win rate and mean return on margin
 * of the trades opened at each level, and the fractional-Kelly estimate of the risk sizing (src/risk/sizing/kelly.ts)
 * from the same trades, which is what feeds back into sizing.
 */
import type { ClosedTrade } from "../../domain/trade.js";
import { type KellyOptions, kellyEstimate } from "../../risk/sizing/kelly.js";

export interface LeverageLevelStats {
  readonly leverage: number;
  readonly trades: number;
  /** Share of trades with a positive net P&L; null without trades. */
  readonly winRate: number | null;
  /** Mean net return on margin per trade (0.01 = 1 %); null without trades. */
  readonly averageReturn: number | null;
  readonly liquidations: number;
  /** Full Kelly f* and the applied (half, capped) fraction; a reason when there are too few trades. */
  readonly kelly: { readonly full: number; readonly applied: number } | { readonly unavailable: string };
}

/** Half Kelly, capped at 100 % of equity, from at least 10 trades (the sizing layer's usual settings). */
export const LEVERAGE_KELLY: KellyOptions = {
  fraction: 0.5,
  cap: 1,
  minTrades: 10,
  lookbackTrades: 1_000_000,
  scope: "all",
};

export function leverageStats(
  trades: readonly ClosedTrade[],
  tradeLeverage: readonly number[],
  options: KellyOptions = LEVERAGE_KELLY,
): { readonly levels: LeverageLevelStats[]; readonly all: LeverageLevelStats } {
  const byLevel = new Map<number, ClosedTrade[]>();
  trades.forEach((trade, i) => {
    const leverage = tradeLeverage[i] ?? 1;
    const list = byLevel.get(leverage) ?? [];
    list.push(trade);
    byLevel.set(leverage, list);
  });
  const levels = [...byLevel.entries()]
    .sort(([a], [b]) => a - b)
    .map(([leverage, list]) => stats(leverage, list, options));
  return { levels, all: stats(0, [...trades], options) };
}

function stats(leverage: number, trades: readonly ClosedTrade[], options: KellyOptions): LeverageLevelStats {
  const n = trades.length;
  const estimate = kellyEstimate(trades, options);
  return {
    leverage,
    trades: n,
    winRate: n === 0 ? null : trades.filter((t) => t.netPnl > 0).length / n,
    averageReturn: n === 0 ? null : trades.reduce((sum, t) => sum + t.returnPct, 0) / n,
    liquidations: trades.filter((t) => t.exitReason.startsWith("liquidation")).length,
    kelly:
      "unavailable" in estimate
        ? { unavailable: estimate.unavailable }
        : { full: estimate.full, applied: estimate.applied },
  };
}
