/**
 * The account, orders and positions of the local Alpaca: a paper account that fills market orders at the tape's
 * price while the market is open, and holds those sent while it is closed until the next session's first minute
 * (Alpaca queues them for the open); a limit order fills at its price (or a better minute open) in the first session
 * minute whose range reaches it; a `day` order not filled by its session's close expires. Settlement is lazy and
 * deterministic: every request first settles what the market time `now` has made due.
 */
import { isMarketOpen, NYSE, nextSession } from "../../data/calendar/exchange-calendar.js";
import { AlpacaError, alpacaErrors } from "./alpaca-wire.js";
import type { StockTape } from "./stock-tape.js";

export type AlpacaStatus = "accepted" | "new" | "filled" | "canceled" | "expired";

export interface AlpacaOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly type: "market" | "limit";
  readonly timeInForce: "day" | "gtc";
  readonly qty: number;
  readonly limitPrice: number | undefined;
  readonly submittedAt: number;
  status: AlpacaStatus;
  updatedAt: number;
  filledAt: number | undefined;
  filledAvgPrice: number | undefined;
  canceledAt: number | undefined;
  expiredAt: number | undefined;
}

export interface AlpacaAsset {
  readonly symbol: string;
  readonly name: string;
  readonly exchange: string;
  readonly fractionable: boolean;
}

export interface NewAlpacaOrder {
  readonly symbol: string;
  readonly side: string | undefined;
  readonly type: string | undefined;
  readonly timeInForce: string | undefined;
  readonly qty: number;
  readonly limitPrice: number | undefined;
  readonly clientOrderId: string | undefined;
}

export class AlpacaBook {
  cash: number;
  readonly initialCash: number;
  readonly orders: AlpacaOrder[] = [];
  /** Symbol → shares held and their total cost. */
  readonly positions = new Map<string, { qty: number; cost: number }>();
  #seq = 0;

  constructor(
    readonly tapes: ReadonlyMap<string, StockTape>,
    readonly assets: ReadonlyMap<string, AlpacaAsset>,
    cash: number,
    readonly now: () => number,
  ) {
    this.cash = cash;
    this.initialCash = cash;
  }

  tape(symbol: string): StockTape {
    const tape = this.tapes.get(symbol);
    if (!tape) throw alpacaErrors.assetNotFound(symbol);
    return tape;
  }

  /** The last trade price of `symbol` now (its first open before any trade). */
  price(symbol: string): number {
    const tape = this.tape(symbol);
    return tape.priceAt(this.now()) ?? (tape.series.open[0] as number);
  }

  place(request: NewAlpacaOrder): AlpacaOrder {
    this.settle();
    const asset = this.assets.get(request.symbol);
    if (!asset) throw alpacaErrors.assetNotFound(request.symbol);
    if (request.side !== "buy" && request.side !== "sell") throw alpacaErrors.invalid("side must be buy or sell");
    if (request.type !== "market" && request.type !== "limit")
      throw alpacaErrors.invalid(`invalid order type: ${request.type ?? "(none)"}`);
    const timeInForce = request.timeInForce ?? "day";
    if (timeInForce !== "day" && timeInForce !== "gtc")
      throw alpacaErrors.invalid(`invalid time_in_force: ${timeInForce}`);
    if (!(request.qty > 0) || !Number.isFinite(request.qty)) throw alpacaErrors.invalid("qty must be > 0");
    if (!asset.fractionable && !Number.isInteger(request.qty)) throw alpacaErrors.notFractionable(request.symbol);
    if (request.type === "limit" && !(request.limitPrice !== undefined && request.limitPrice > 0))
      throw alpacaErrors.invalid("limit_price is required for limit orders");
    if (request.clientOrderId !== undefined && this.orders.some((o) => o.clientOrderId === request.clientOrderId))
      throw alpacaErrors.duplicateClientId();
    const price = request.type === "limit" ? (request.limitPrice as number) : this.price(request.symbol);
    const open = this.orders.filter((o) => o.status === "new" || o.status === "accepted");
    if (request.side === "buy") {
      const reserved = open
        .filter((o) => o.side === "buy")
        .reduce((sum, o) => sum + o.qty * (o.limitPrice ?? this.price(o.symbol)), 0);
      if (request.qty * price > this.cash - reserved) throw alpacaErrors.buyingPower();
    } else {
      const held = this.positions.get(request.symbol)?.qty ?? 0;
      const selling = open
        .filter((o) => o.side === "sell" && o.symbol === request.symbol)
        .reduce((s, o) => s + o.qty, 0);
      // A cash account: no short selling.
      if (request.qty > held - selling) throw alpacaErrors.qtyAvailable(request.qty, held - selling);
    }
    const now = this.now();
    const order: AlpacaOrder = {
      id: `sim-${String(++this.#seq).padStart(8, "0")}-0000-4000-8000-000000000000`,
      clientOrderId: request.clientOrderId ?? `sim-client-${this.#seq}`,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      timeInForce,
      qty: request.qty,
      limitPrice: request.limitPrice,
      submittedAt: now,
      // Alpaca: "accepted" while the market is closed (queued for the open), "new" once routed.
      status: isMarketOpen(NYSE, now) ? "new" : "accepted",
      updatedAt: now,
      filledAt: undefined,
      filledAvgPrice: undefined,
      canceledAt: undefined,
      expiredAt: undefined,
    };
    this.orders.push(order);
    this.settle();
    return order;
  }

  find(id: string): AlpacaOrder {
    this.settle();
    const order = this.orders.find((o) => o.id === id);
    if (!order) throw alpacaErrors.notFound();
    return order;
  }

  findByClientId(clientOrderId: string): AlpacaOrder {
    this.settle();
    const order = this.orders.find((o) => o.clientOrderId === clientOrderId);
    if (!order) throw alpacaErrors.notFound();
    return order;
  }

  cancel(id: string): void {
    const order = this.find(id);
    if (order.status !== "new" && order.status !== "accepted") throw alpacaErrors.notCancelable(order.status);
    order.status = "canceled";
    order.canceledAt = this.now();
    order.updatedAt = this.now();
  }

  /** Fills and expires every open order that market time has made due, oldest first. */
  settle(): void {
    const now = this.now();
    for (const order of this.orders) {
      if (order.status !== "new" && order.status !== "accepted") continue;
      const fill = this.#fillOf(order, now);
      if (fill) {
        this.#book(order, fill.price, fill.time);
        continue;
      }
      const session = nextSession(NYSE, order.submittedAt);
      if (order.timeInForce === "day" && session && now >= session.close) {
        order.status = "expired";
        order.expiredAt = session.close;
        order.updatedAt = session.close;
      } else if (order.status === "accepted" && isMarketOpen(NYSE, now)) order.status = "new";
    }
  }

  /** The first session minute at or after the order's submission where it fills, up to `now`. */
  #fillOf(order: AlpacaOrder, now: number): { price: number; time: number } | undefined {
    const tape = this.tape(order.symbol);
    if (order.type === "market") {
      if (isMarketOpen(NYSE, order.submittedAt))
        return { price: tape.priceAt(order.submittedAt) as number, time: order.submittedAt };
      const i = tape.minuteIndex(order.submittedAt) + 1;
      const at = tape.minuteTimes[i];
      return at !== undefined && at <= now ? { price: tape.series.open[i] as number, time: at } : undefined;
    }
    const limit = order.limitPrice as number;
    const buy = order.side === "buy";
    const session = nextSession(NYSE, order.submittedAt);
    const last = tape.minuteIndex(now - 60_000);
    for (let i = Math.max(0, tape.minuteIndex(order.submittedAt)); i <= last; i++) {
      const m = tape.minute(i);
      if (m.time + 60_000 <= order.submittedAt) continue;
      if (order.timeInForce === "day" && session && m.time >= session.close) break;
      if (buy ? m.low <= limit : m.high >= limit) {
        const price = buy ? Math.min(limit, m.open) : Math.max(limit, m.open);
        return { price, time: Math.max(m.time, order.submittedAt) };
      }
    }
    return undefined;
  }

  #book(order: AlpacaOrder, price: number, time: number): void {
    const position = this.positions.get(order.symbol) ?? { qty: 0, cost: 0 };
    if (order.side === "buy") {
      position.qty += order.qty;
      position.cost += order.qty * price;
      this.cash -= order.qty * price;
    } else {
      const average = position.qty > 0 ? position.cost / position.qty : 0;
      position.cost -= average * order.qty;
      position.qty -= order.qty;
      this.cash += order.qty * price;
    }
    if (Math.abs(position.qty) < 1e-9) this.positions.delete(order.symbol);
    else this.positions.set(order.symbol, position);
    order.status = "filled";
    order.filledAt = time;
    order.filledAvgPrice = price;
    order.updatedAt = time;
  }

  /** Market value of every position at the last price. */
  positionsValue(): number {
    let value = 0;
    for (const [symbol, p] of this.positions) value += p.qty * this.price(symbol);
    return value;
  }
}

export { AlpacaError };
