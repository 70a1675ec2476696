/**
 * The simulated order book of one listing: levels on both sides of the tape's last price, deterministic in price and
 * time, so market orders pay a spread and walk the book (slippage from depth) exactly as they would on a real venue.
 * Each level holds about `levelNotional` of the quote currency, growing by half of that per level away from the top.
 */
import { stepDecimals } from "./sim-markets.js";

export interface BookLevel {
  readonly price: number;
  readonly quantity: number;
}

export interface SimBookSnapshot {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

export interface BookShape {
  readonly tickSize: number;
  readonly stepSize: number;
  /** Levels per side (default 20). */
  readonly levels?: number;
  /** Quote value of the best level (default 2 000). */
  readonly levelNotional?: number;
}

/** The book around `lastPrice`: best bid one tick below, best ask one tick above, levels ~1 bp apart. */
export function bookAround(lastPrice: number, shape: BookShape): SimBookSnapshot {
  const levels = shape.levels ?? 20;
  const levelNotional = shape.levelNotional ?? 2_000;
  const priceDecimals = stepDecimals(shape.tickSize);
  const quantityDecimals = stepDecimals(shape.stepSize);
  const spacing = Math.max(shape.tickSize, Math.round((lastPrice * 0.0001) / shape.tickSize) * shape.tickSize);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let k = 0; k < levels; k++) {
    const offset = shape.tickSize + k * spacing;
    const quantity = Number(((levelNotional * (1 + k / 2)) / lastPrice).toFixed(quantityDecimals));
    const bid = Number((lastPrice - offset).toFixed(priceDecimals));
    if (bid > 0) bids.push({ price: bid, quantity });
    asks.push({ price: Number((lastPrice + offset).toFixed(priceDecimals)), quantity });
  }
  return { bids, asks };
}

/** One fill of a taker order against the book. */
export interface BookFill {
  readonly price: number;
  readonly quantity: number;
}

/**
 * Walks `side`'s opposite levels for `quantity`, not past `limitPrice` when given; returns the fills in level order
 * (their quantities sum to at most `quantity`).
 */
export function takeFromBook(
  book: SimBookSnapshot,
  side: "BUY" | "SELL",
  quantity: number,
  stepSize: number,
  limitPrice?: number,
): BookFill[] {
  const levels = side === "BUY" ? book.asks : book.bids;
  const decimals = stepDecimals(stepSize);
  const fills: BookFill[] = [];
  let left = quantity;
  for (const level of levels) {
    if (left <= 0) break;
    if (limitPrice !== undefined && (side === "BUY" ? level.price > limitPrice : level.price < limitPrice)) break;
    const take = Number(Math.min(left, level.quantity).toFixed(decimals));
    if (take <= 0) break;
    fills.push({ price: level.price, quantity: take });
    left = Number((left - take).toFixed(decimals));
  }
  return fills;
}
