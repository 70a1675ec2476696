import type { ClosedTrade } from "../../domain/trade.js";
import { quantityFor, type SizeRule } from "./size-rule.js";
import { describeSizeRule, type Sizer } from "./sizer.js";

export interface KellyOptions {
  /** Share of the full Kelly fraction to bet (0.5 = "half Kelly"). */
  readonly fraction: number;
  /** Largest share of equity ever committed, whatever the estimate says. */
  readonly cap: number;
  /** Fewer closed trades than this: the estimate is noise, the fallback size is used. */
  readonly minTrades: number;
  /** The estimate uses the last this many closed trades. */
  readonly lookbackTrades: number;
  /** "symbol": only trades of the symbol being sized; "all": every trade of the run. */
  readonly scope: "all" | "symbol";
}

/** A Kelly estimate from a sample of closed trades. */
export interface KellyEstimate {
  readonly trades: number;
  /** p: share of trades with a positive net return. */
  readonly winRate: number;
  /** b: mean winning return / mean losing return (returnPct, so independent of each trade's size). */
  readonly payoff: number;
  /** f* = (p·b − q) / b; may be negative (no edge). */
  readonly full: number;
  /** fraction × f*, clamped to [0, cap]: the share of equity to commit. */
  readonly applied: number;
}

/**
 * Fractional Kelly with a cap, from the recent closed trades: f* = (p·b − q) / b with p the win rate, q = 1 − p and
 * b the ratio of the average win to the average loss (each trade's `returnPct`). A trade that made no money after
 * fees counts as a loss. No losses at all makes b infinite and f* = p. Returns a reason instead of an estimate
 * below `minTrades`: a Sharpe-like number from a handful of trades is not information.
 */
export function kellyEstimate(
  trades: readonly ClosedTrade[],
  options: KellyOptions,
  symbol?: string,
): KellyEstimate | { readonly unavailable: string } {
  const pool = options.scope === "symbol" && symbol !== undefined ? trades.filter((t) => t.symbol === symbol) : trades;
  const sample = pool.slice(Math.max(0, pool.length - options.lookbackTrades));
  if (sample.length < options.minTrades) {
    return { unavailable: `${sample.length} closed trades, fewer than the ${options.minTrades} Kelly needs` };
  }
  let wins = 0;
  let winSum = 0;
  let lossSum = 0;
  for (const t of sample) {
    if (t.returnPct > 0) {
      wins++;
      winSum += t.returnPct;
    } else lossSum -= t.returnPct;
  }
  const n = sample.length;
  const losses = n - wins;
  const p = wins / n;
  const averageWin = wins > 0 ? winSum / wins : 0;
  const averageLoss = losses > 0 ? lossSum / losses : 0;
  const payoff = averageLoss > 0 ? averageWin / averageLoss : Number.POSITIVE_INFINITY;
  // f* = (p·b − q) / b = p − q / b; the second form also holds for b = ∞ (f* = p) and b = 0 (no wins: −∞ → 0).
  const full = payoff === 0 ? Number.NEGATIVE_INFINITY : p - (1 - p) / payoff;
  const applied = Math.min(options.cap, Math.max(0, options.fraction * full));
  return { trades: n, winRate: p, payoff, full, applied };
}

/**
 * Sizes a new position at the capped fractional Kelly share of equity (a share of margin, so leverage multiplies
 * the notional as for `10%`). Below `minTrades` closed trades it uses `fallback` and says so; with no edge
 * (f* <= 0) it sizes 0, which leaves no position to open.
 */
export function kellySizer(options: KellyOptions, fallback: SizeRule): Sizer {
  const fallbackWords = describeSizeRule(fallback);
  return (input) => {
    const estimate = kellyEstimate(input.trades, options, input.symbol);
    if ("unavailable" in estimate) {
      return {
        quantity: quantityFor(fallback, input.price, input.equity, input.takerFee, input.leverage),
        reason: `Kelly n/a (${estimate.unavailable}): fallback ${fallbackWords}`,
      };
    }
    const { trades, winRate, payoff, full, applied } = estimate;
    const facts = `p ${winRate.toFixed(3)}, b ${Number.isFinite(payoff) ? payoff.toFixed(3) : "∞ (no losses)"} over ${trades} trades`;
    if (!(full > 0)) {
      return { quantity: 0, reason: `Kelly: no edge (${facts}, f* ${full.toFixed(3)}): no new position` };
    }
    const capped = options.fraction * full > options.cap ? `, capped at ${options.cap}` : "";
    return {
      quantity: quantityFor(
        { type: "percent-equity", value: applied * 100 },
        input.price,
        input.equity,
        input.takerFee,
        input.leverage,
      ),
      reason: `Kelly: ${facts}, f* ${full.toFixed(3)} × ${options.fraction} = ${applied.toFixed(4)} of equity${capped}`,
    };
  };
}
