import type { BookLevel, OrderBook } from "../data/feed/order-book.js";
import type { OrderBookCache } from "../data/feed/order-book-cache.js";
import type { CandleSeries } from "../domain/candles.js";
import type { OrderSide } from "../domain/order.js";
import { MAX_SLIPPAGE_BPS, type SlippageModel, type SlippageOrder } from "./slippage.js";

/** What a market order for `quantity` would pay walking one side of a book. */
export interface BookWalk {
  /** Volume-weighted average price over every unit, those beyond the book at the penalty price included. */
  readonly vwap: number;
  /** Quantity the book's levels held for the order. */
  readonly fromBook: number;
  /** Quantity beyond the last level, priced at that level worsened by the penalty. */
  readonly beyondBook: number;
  /** Levels consumed (a partly taken one counts). */
  readonly levels: number;
}

/** Default penalty for the part of an order the book cannot hold: 100 bps beyond its last level. */
export const DEFAULT_BEYOND_BOOK_BPS = 100;

/**
 * Walks `levels` (asks for a buy, bids for a sell, best first) for `quantity`. What lies beyond the last level is
 * priced at the last level's price made worse by `beyondBookBps` (a book shows only its top; deeper liquidity
 * exists but costs more, and how much is unknown, so the penalty is explicit). Undefined when the side is empty.
 */
export function walkBook(
  levels: readonly BookLevel[],
  side: OrderSide,
  quantity: number,
  beyondBookBps = DEFAULT_BEYOND_BOOK_BPS,
): BookWalk | undefined {
  if (!(quantity > 0)) throw new RangeError(`a book walk needs a quantity > 0, got ${quantity}`);
  if (!(beyondBookBps >= 0)) throw new RangeError(`the beyond-book penalty must be >= 0 bps, got ${beyondBookBps}`);
  const last = levels.at(-1);
  if (last === undefined) return undefined;
  let left = quantity;
  let cost = 0;
  let used = 0;
  for (const level of levels) {
    if (left <= 0) break;
    const take = Math.min(left, level.quantity);
    if (take <= 0) continue;
    cost += take * level.price;
    left -= take;
    used++;
  }
  // Float residue of the subtraction is not an order beyond the book.
  if (left <= quantity * 1e-12) left = 0;
  const penalty = beyondBookBps / 10_000;
  cost += left * last.price * (side === "buy" ? 1 + penalty : 1 - penalty);
  return { vwap: cost / quantity, fromBook: quantity - left, beyondBook: left, levels: used };
}

export interface BookSlippageOptions {
  readonly books: OrderBookCache;
  /** The model used when no fresh book is at hand (no book feed, a stale or refused book). */
  readonly fallback: SlippageModel;
  /** A book older than this is not walked (default 60 s). */
  readonly maxAgeMs?: number;
  readonly beyondBookBps?: number;
}

/**
 * Paper fills from order-book depth: a taker order walks the latest book of its symbol and pays that book's
 * volume-weighted average price relative to the book's mid, applied to the fill's reference price (the next
 * bar's open, or a stop's trigger): fill = reference × VWAP / mid. When the reference is the book's mid, the fill
 * is the book's VWAP exactly. The book seen is the latest one, not the one at the reference instant, so its shape
 * (spread and depth) is what is used, not its level. Capped at MAX_SLIPPAGE_BPS like every model. Without a fresh
 * book, or without the order's size, the fallback model prices the fill.
 */
export class BookSlippage implements SlippageModel {
  readonly description: string;
  /** How many fills each path priced, for status and tests. */
  readonly usage = { book: 0, fallback: 0 };
  readonly #o: Required<BookSlippageOptions>;

  constructor(options: BookSlippageOptions) {
    this.#o = { maxAgeMs: 60_000, beyondBookBps: DEFAULT_BEYOND_BOOK_BPS, ...options };
    this.description = `order-book depth (VWAP of the latest book, +${this.#o.beyondBookBps} bps beyond its last level), else ${options.fallback.description}`;
  }

  price(side: OrderSide, reference: number, series: CandleSeries, index: number, order?: SlippageOrder): number {
    const book = order ? this.#o.books.fresh(order.symbol, this.#o.maxAgeMs) : undefined;
    const impact = book && order ? bookImpact(book, side, order.quantity, this.#o.beyondBookBps) : undefined;
    if (impact === undefined) {
      this.usage.fallback++;
      return this.#o.fallback.price(side, reference, series, index, order);
    }
    this.usage.book++;
    const cap = MAX_SLIPPAGE_BPS / 10_000;
    const bounded = side === "buy" ? Math.min(impact, 1 + cap) : Math.max(impact, 1 - cap);
    return reference * bounded;
  }
}

/** VWAP / mid of a market order for `quantity` on `book`, or undefined when a side is empty. */
export function bookImpact(
  book: OrderBook,
  side: OrderSide,
  quantity: number,
  beyondBookBps: number,
): number | undefined {
  const bid = book.bids[0]?.price;
  const ask = book.asks[0]?.price;
  if (bid === undefined || ask === undefined || !(quantity > 0)) return undefined;
  const walk = walkBook(side === "buy" ? book.asks : book.bids, side, quantity, beyondBookBps);
  return walk === undefined ? undefined : walk.vwap / ((bid + ask) / 2);
}
