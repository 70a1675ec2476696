import type { Side } from "./trade.js";

export type OrderType = "market" | "limit" | "stop" | "stop-limit";
export type OrderSide = "buy" | "sell";
/** Where an order stands: pending until the venue answers, then accepted, (partially) filled, or done otherwise. */
export type OrderStatus = "pending" | "accepted" | "partially-filled" | "filled" | "cancelled" | "rejected" | "expired";

/** An order as the engine asks for it, before any venue has seen it. */
export interface OrderRequest {
  /** Idempotency key: a retry with the same id never creates a second order at the venue. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Base-asset quantity, already rounded to the lot size. */
  readonly quantity: number;
  /** Limit price (limit and stop-limit). */
  readonly limitPrice?: number;
  /** Trigger price (stop and stop-limit). */
  readonly stopPrice?: number;
  /** Only reduces an open position; never opens or flips one. */
  readonly reduceOnly?: boolean;
  readonly leverage?: number;
  /** Why the order exists, carried into fills and trades ("entry: sma fast crossed above slow"). */
  readonly reason: string;
  /** Protective exits to attach to the position this order opens. */
  readonly attach?: AttachedExits;
  /** The strategy or signal source(s) the order came from ("a+b"), so P&L can be attributed to them. */
  readonly source?: string;
}

/**
 * Exits that ride with the position an order opens, checked by the broker intrabar on every bar. Distances are
 * relative to the fill price, because a market order's price is not known when it is sent: `Pct` values are
 * fractions of the fill price (0.02 = 2 %), `Distance` values are price units (e.g. 2 × ATR at the decision).
 */
export interface AttachedExits {
  stopLossPct?: number | undefined;
  stopLossDistance?: number | undefined;
  takeProfitPct?: number | undefined;
  takeProfitDistance?: number | undefined;
  trailingPct?: number | undefined;
  trailingDistance?: number | undefined;
  /** Close at the next bar's open once the position has been held this many bars. */
  maxBars?: number | undefined;
}

export interface Fill {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly time: number;
  readonly liquidity: "maker" | "taker";
  readonly reason: string;
  /** The strategy or signal source(s) of the order (or of the position an exit closed). */
  readonly source?: string;
}

export interface PositionSnapshot {
  readonly symbol: string;
  readonly side: Side;
  /** Absolute base quantity. */
  readonly quantity: number;
  readonly entryPrice: number;
  readonly markPrice: number;
  readonly unrealizedPnl: number;
  readonly leverage: number;
  readonly liquidationPrice: number | undefined;
  readonly openedAt: number;
}

/** What the risk shield and strategies may know about the account; no way to change it through this view. */
export interface PortfolioView {
  readonly cash: number;
  equity(): number;
  /** Signed base quantity: positive long, negative short, 0 flat. */
  positionQuantity(symbol: string): number;
  position(symbol: string): PositionSnapshot | undefined;
  /** Symbols with a position entry (an entry may be flat: `position` then returns undefined). */
  symbols(): Iterable<string>;
  /** Sum of |quantity × mark| over open positions. */
  grossExposure(): number;
  /** Margin locked by open positions (Σ |quantity| × entry / leverage). */
  usedMargin(): number;
  openPositionCount(): number;
}
