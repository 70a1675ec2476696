/**
 * The VenueClient for Alpaca (US stocks and ETFs) over CCXT's `alpaca`: the same retry, look-up and never-resend
 * rules as every CCXT venue (CcxtVenueClient), with what Alpaca does differently:
 * - symbols: the engine trades bare tickers (AAPL); CCXT names the market AAPL/USD. This client speaks tickers.
 * - look-up and cancel by client id: Alpaca has `GET /v2/orders:by_client_order_id` (CCXT has no unified call for
 *   it) and cancels by its own order id only, so a cancel looks the id up first.
 * - time in force: Alpaca requires one; market orders and fractional quantities must be "day".
 * - reports: Alpaca's order stream (trade_updates) is not in CCXT, so reports come from polling: every open order
 *   and every order this client has not yet seen final, each change turned into the same reports the Binance stream
 *   gives (acknowledged, partially-filled / filled with cumulative quantities, cancelled, expired, rejected). A
 *   fill's trade id is `orderId:cumulativeQuantity`, so a fill heard again after a restart is booked once.
 * - balances: stock positions are the base balances reconciliation compares, as base assets are on a spot venue.
 */
import type { Order } from "ccxt";
import { CcxtVenueClient, type CcxtVenueClientOptions, toVenueOrder } from "./ccxt-venue-client.js";
import type { OrderIntent, VenueAck, VenueBalance, VenueOrder, VenueReport } from "./venue-client.js";
import { NetworkError } from "./venue-errors.js";

export interface AlpacaVenueClientOptions extends CcxtVenueClientOptions {
  /** Time between two polls of the orders (default 1 s). */
  readonly pollMs?: number;
  /** Waits between polls; tests inject one they release themselves. Defaults to a timer of `pollMs`. */
  readonly pollWait?: (ms: number) => Promise<void>;
}

interface Seen {
  readonly symbol: string;
  readonly venueOrderId: string;
  /** Filled quantity and its average price already reported. */
  filled: number;
  averagePrice: number;
  final: boolean;
}

const FINAL_STATUS = new Set(["filled", "cancelled", "rejected", "expired"]);

export class AlpacaVenueClient extends CcxtVenueClient {
  readonly #pollMs: number;
  readonly #pollWait: (ms: number) => Promise<void>;
  /** Orders by client id: what has been reported of each. */
  readonly #seen = new Map<string, Seen>();
  /** Orders submitted (or looked up) here that the poll must follow until final, even once they leave the open list. */
  readonly #follow = new Map<string, string>();
  /** Poll failures in a row (the loop backs off on them). */
  pollFailures = 0;

  constructor(options: AlpacaVenueClientOptions) {
    super(options);
    this.#pollMs = options.pollMs ?? 1_000;
    this.#pollWait = options.pollWait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  override async submit(intent: OrderIntent): Promise<VenueAck> {
    const ack = await super.submit({ ...intent, symbol: marketOf(intent.symbol) });
    this.#follow.set(intent.clientOrderId, ack.order.symbol);
    return { ...ack, order: asTicker(ack.order) };
  }

  override async cancel(clientOrderId: string, symbol: string): Promise<VenueOrder> {
    return asTicker(await super.cancel(clientOrderId, marketOf(symbol)));
  }

  override async fetchOrderByClientId(clientOrderId: string, symbol: string): Promise<VenueOrder> {
    const order = asTicker(await super.fetchOrderByClientId(clientOrderId, marketOf(symbol)));
    // Reconciliation looks up the orders a crash left unanswered: follow them, their fills must be reported.
    if (!FINAL_STATUS.has(order.status)) this.#follow.set(clientOrderId, marketOf(symbol));
    return order;
  }

  override async fetchOpenOrders(symbol?: string): Promise<VenueOrder[]> {
    return (await super.fetchOpenOrders(symbol === undefined ? undefined : marketOf(symbol))).map(asTicker);
  }

  /** Cash (USD) and, per stock held, its shares as a base balance, so reconciliation compares positions. */
  override async fetchBalances(): Promise<VenueBalance[]> {
    const cash = await super.fetchBalances();
    // CCXT's alpaca has no fetchPositions: GET /v2/positions, whose qty is signed (negative when short).
    const positions = await this.read("fetch positions", async () => {
      const raw: unknown = await this.exchange.request("v2/positions", ["trader", "private"], "GET");
      if (!Array.isArray(raw))
        throw new NetworkError(`malformed answer to fetch positions: ${String(raw).slice(0, 80)}`);
      return raw as { symbol?: unknown; qty?: unknown }[];
    });
    const shares: VenueBalance[] = [];
    for (const p of positions) {
      const quantity = Number(p.qty);
      if (typeof p.symbol !== "string" || !Number.isFinite(quantity))
        throw new NetworkError(`malformed position from Alpaca: ${JSON.stringify(p).slice(0, 120)}`);
      if (quantity !== 0) shares.push({ asset: p.symbol, free: quantity, used: 0, total: quantity });
    }
    return [...cash, ...shares].sort((a, b) => a.asset.localeCompare(b.asset));
  }

  protected override orderParams(intent: OrderIntent): Record<string, unknown> {
    const params: Record<string, unknown> = { clientOrderId: intent.clientOrderId };
    // Alpaca accepts only "day" for market orders and fractional quantities; a GTC limit order stays GTC.
    const gtc = intent.type === "limit" && intent.timeInForce === "GTC" && Number.isInteger(intent.quantity);
    params["timeInForce"] = gtc ? "gtc" : "day";
    return params;
  }

  protected override async orderByClientId(clientOrderId: string, symbol: string): Promise<Order> {
    let raw: unknown;
    try {
      raw = await this.exchange.request("v2/orders:by_client_order_id", ["trader", "private"], "GET", {
        client_order_id: clientOrderId,
      });
    } catch (error) {
      // CCXT files Alpaca's "order not found" (40410000) under InvalidOrder; for a look-up it means "never placed".
      if (error instanceof this.ccxt.InvalidOrder && error.message.includes("40410000"))
        throw new this.ccxt.OrderNotFound(`alpaca: no order with client id ${clientOrderId} (${error.message})`);
      throw error;
    }
    return this.exchange.parseOrder(raw as Record<string, unknown>, this.exchange.market(symbol));
  }

  protected override async cancelByClientId(clientOrderId: string, symbol: string): Promise<Order> {
    const order = await this.orderByClientId(clientOrderId, symbol);
    await this.exchange.cancelOrder(String(order.id), symbol);
    // Alpaca answers a cancel with 204 and no body: the order's state after it is read back.
    return this.orderByClientId(clientOrderId, symbol);
  }

  protected override async streamReports(): Promise<void> {
    while (!this.closed) {
      try {
        await this.pollOnce();
        this.pollFailures = 0;
      } catch {
        if (this.closed) return;
        this.pollFailures++;
      }
      if (this.closed) return;
      // A failing venue is asked less often: up to 32 poll intervals apart.
      await this.#pollWait(this.#pollMs * 2 ** Math.min(this.pollFailures, 5));
    }
  }

  /**
   * One poll: the open orders, then each followed order that left the open list, turned into reports. Public so
   * that a test (or a caller that wants a report now, e.g. after a reconnect) can poll without waiting.
   */
  async pollOnce(): Promise<void> {
    await this.loadMarkets();
    const open = await this.read("poll open orders", () => this.exchange.fetchOpenOrders());
    const openIds = new Set<string>();
    for (const order of open) {
      const venueOrder = reported(order, order.clientOrderId ?? "");
      if (venueOrder.clientOrderId === "") continue;
      openIds.add(venueOrder.clientOrderId);
      this.#follow.set(venueOrder.clientOrderId, order.symbol ?? marketOf(venueOrder.symbol));
      this.#emit(venueOrder);
    }
    for (const [clientOrderId, market] of [...this.#follow]) {
      if (openIds.has(clientOrderId)) continue;
      const order = reported(
        await this.read(`poll order ${clientOrderId}`, () => this.orderByClientId(clientOrderId, market)),
        clientOrderId,
      );
      this.#emit(order);
      if (FINAL_STATUS.has(order.status)) this.#follow.delete(clientOrderId);
    }
  }

  /** The reports of what changed in `order` since it was last seen. */
  #emit(order: VenueOrder): void {
    let seen = this.#seen.get(order.clientOrderId);
    const reports: VenueReport[] = [];
    const base = {
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      symbol: order.symbol,
      timestamp: order.timestamp ?? this.now(),
    };
    if (seen === undefined) {
      seen = { symbol: order.symbol, venueOrderId: order.venueOrderId, filled: 0, averagePrice: 0, final: false };
      this.#seen.set(order.clientOrderId, seen);
      reports.push({ ...base, kind: "acknowledged", synthesized: order.status !== "open" });
    }
    if (seen.final) return;
    if (order.filledQuantity > seen.filled && order.averagePrice !== undefined) {
      const quantity = order.filledQuantity - seen.filled;
      // Alpaca gives the average price of all fills so far: this fill's price is what the average moved by.
      const price = (order.averagePrice * order.filledQuantity - seen.averagePrice * seen.filled) / quantity;
      reports.push({
        ...base,
        kind: order.filledQuantity >= order.quantity ? "filled" : "partially-filled",
        tradeId: `${order.venueOrderId}:${order.filledQuantity}`,
        side: order.side,
        quantity,
        price,
        // Alpaca charges no commission on US stocks and ETFs (regulatory fees are not in the order).
        fee: 0,
        feeAsset: "USD",
        cumulativeQuantity: order.filledQuantity,
      });
      seen.filled = order.filledQuantity;
      seen.averagePrice = order.averagePrice;
    }
    if (order.status === "cancelled" || order.status === "expired") reports.push({ ...base, kind: order.status });
    if (order.status === "rejected") reports.push({ ...base, kind: "rejected", reason: "rejected by Alpaca" });
    if (FINAL_STATUS.has(order.status)) seen.final = true;
    for (const report of reports) for (const listener of this.listeners) listener(report);
  }
}

/** CCXT's market of an engine ticker: AAPL → AAPL/USD (a symbol that already has a quote is kept). */
export function marketOf(symbol: string): string {
  return symbol.includes("/") ? symbol : `${symbol}/USD`;
}

function tickerOf(symbol: string): string {
  return symbol.endsWith("/USD") ? symbol.slice(0, -4) : symbol;
}

function asTicker(order: VenueOrder): VenueOrder {
  return { ...order, symbol: tickerOf(order.symbol) };
}

/** An order as the poll reports it: in tickers, timed by Alpaca's `updated_at` (its last fill, cancel or expiry). */
function reported(order: Order, clientOrderId: string): VenueOrder {
  const updated = Date.parse(String((order.info as Record<string, unknown>)["updated_at"] ?? ""));
  const venueOrder = asTicker(toVenueOrder(order, clientOrderId));
  return Number.isFinite(updated) ? { ...venueOrder, timestamp: updated } : venueOrder;
}
