/** One price level of an order book. */
export interface BookLevel {
  readonly price: number;
  readonly quantity: number;
}

/** An order book as a feed saw it: bids best (highest) first, asks best (lowest) first. */
export interface OrderBook {
  /** When the book was received (the feed's clock), or the venue's time when it sends one. */
  readonly time: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** A public trade printed at the venue. */
export interface PublicTrade {
  readonly id: string;
  readonly time: number;
  readonly price: number;
  readonly quantity: number;
  /** The taker's side, when the venue says. */
  readonly side?: "buy" | "sell";
}

/** A CCXT order book: `bids`/`asks` are [price, amount, …] rows. */
interface CcxtBook {
  readonly bids?: unknown;
  readonly asks?: unknown;
  readonly timestamp?: unknown;
}

/**
 * Reads a CCXT order book into an `OrderBook`, or says what is wrong with it: a level whose price or amount is not
 * a finite number, a price ≤ 0 or a negative amount. A crossed book is not refused here (it is the market's state,
 * and the feed monitor flags it), only levels no market can have.
 */
export function readCcxtBook(raw: unknown, now: number): { book: OrderBook } | { problem: string } {
  const book = raw as CcxtBook | undefined;
  if (book === undefined || book === null || typeof book !== "object") return { problem: "not an order book" };
  const sides: BookLevel[][] = [];
  for (const name of ["bids", "asks"] as const) {
    const rows = book[name];
    if (!Array.isArray(rows)) return { problem: `${name} is not a list` };
    const levels: BookLevel[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as unknown;
      const price = Array.isArray(row) ? (row[0] as unknown) : undefined;
      const quantity = Array.isArray(row) ? (row[1] as unknown) : undefined;
      if (
        typeof price !== "number" ||
        typeof quantity !== "number" ||
        !Number.isFinite(price) ||
        !Number.isFinite(quantity)
      )
        return { problem: `${name} level ${i + 1} is not finite: ${JSON.stringify(row) ?? String(row)}` };
      if (!(price > 0) || quantity < 0)
        return { problem: `${name} level ${i + 1} is impossible: [${price}, ${quantity}]` };
      levels.push({ price, quantity });
    }
    sides.push(levels);
  }
  const time = typeof book.timestamp === "number" && Number.isFinite(book.timestamp) ? book.timestamp : now;
  return { book: { time, bids: sides[0] as BookLevel[], asks: sides[1] as BookLevel[] } };
}

/** A CCXT trade, or undefined when a field is missing or not finite. */
export function readCcxtTrade(raw: unknown): PublicTrade | undefined {
  const t = raw as { id?: unknown; timestamp?: unknown; price?: unknown; amount?: unknown; side?: unknown } | undefined;
  if (t === undefined || t === null || typeof t !== "object") return undefined;
  const { timestamp, price, amount } = t;
  if (typeof timestamp !== "number" || typeof price !== "number" || typeof amount !== "number") return undefined;
  if (!Number.isFinite(timestamp) || !(price > 0) || !Number.isFinite(price) || !(amount >= 0)) return undefined;
  return {
    id: t.id === undefined || t.id === null ? `${timestamp}:${price}:${amount}` : String(t.id),
    time: timestamp,
    price,
    quantity: amount,
    ...(t.side === "buy" || t.side === "sell" ? { side: t.side } : {}),
  };
}
