import type { ClosedTrade } from "../../domain/trade.js";
import type { MarketSnapshot } from "../market-snapshot.js";
import { quantityFor, type SizeRule } from "./size-rule.js";

/** Everything a base-size method may read when a new position is about to be opened. */
export interface SizingInput {
  readonly symbol: string;
  /** Price the order is sized at (the decision bar's close). */
  readonly price: number;
  readonly equity: number;
  readonly takerFee: number;
  /** Leverage of the order: a share of equity buys `leverage` times its notional. */
  readonly leverage: number;
  readonly market: MarketSnapshot;
  /** Closed trades seen so far, oldest first. */
  readonly trades: readonly ClosedTrade[];
}

/** A base quantity and how it was obtained, in words a person reads in the decision record. */
export interface SizeDecision {
  readonly quantity: number;
  readonly reason: string;
}

/**
 * A base-size method: how many units a new position should have before any multiplier (confidence, regime, market
 * context) or limit applies. Kelly and volatility targeting are sizers because they need equity, price and the
 * trade history to produce a size from scratch; confidence and regime are multipliers of whatever base there is,
 * so they are "adjust"-phase risk layers instead (see confidence-scaling.ts, regime-sizing.ts).
 */
export type Sizer = (input: SizingInput) => SizeDecision;

/** Words for a SizeRule: "1 unit", "1000 quote", "10% of equity". */
export function describeSizeRule(rule: SizeRule): string {
  switch (rule.type) {
    case "fixed-base":
      return `${rule.value} units`;
    case "fixed-quote":
      return `${rule.value} quote`;
    case "percent-equity":
      return `${rule.value}% of equity`;
  }
}

/** Fixed base quantity, fixed quote amount or a share of equity (the CLI's `--size`), through `quantityFor`. */
export function fixedSizer(rule: SizeRule): Sizer {
  const words = describeSizeRule(rule);
  return (input) => ({
    quantity: quantityFor(rule, input.price, input.equity, input.takerFee, input.leverage),
    reason: `fixed size ${words}`,
  });
}
