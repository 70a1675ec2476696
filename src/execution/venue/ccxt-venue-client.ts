/**
 * The VenueClient over CCXT (REST through `ccxt.pro`'s exchange object, reports through its WebSocket user data
 * stream). Retries only where repeating is safe:
 * - reads (fetch order/open orders/balances/positions) retry transient errors with backoff, and rate limits after
 *   the venue's Retry-After;
 * - submit retries only a rate limit (the venue refused the request before looking at it); a timeout, a dropped
 *   connection, a 5xx or an unreadable answer is resolved by looking the client order id up, never by sending again;
 * - cancel retries like a read; a cancel whose answer was lost is recognised by the order being final already.
 * Every wait goes through the injected `sleep`, so tests run the whole schedule without waiting.
 */
import type { Exchange, Order } from "ccxt";
import type { CcxtErrors } from "../../data/exchange/ccxt-parts.js";
import { backoffDelayMs, parseRetryAfterMs, type RetryPolicy, withRetry } from "../../data/exchange/retry.js";
import { BinanceReportParser } from "./binance-reports.js";
import type {
  OrderIntent,
  VenueAck,
  VenueBalance,
  VenueClient,
  VenueOrder,
  VenueOrderStatus,
  VenuePosition,
  VenueReport,
} from "./venue-client.js";
import {
  InvalidOrderError,
  NetworkError,
  OrderNotFoundError,
  OrderNotPlacedError,
  RateLimitError,
  toVenueError,
  UncertainOrderError,
  type VenueError,
} from "./venue-errors.js";

export interface CcxtVenueClientOptions {
  readonly ccxt: CcxtErrors;
  /** A ccxt.pro exchange, keys and URLs already set (see connectCcxt). */
  readonly exchange: Exchange;
  /** Waits `ms`; tests inject one that returns at once and records the waits. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Retry schedule for reads and cancels (and rate-limited submits). */
  readonly retry?: RetryPolicy;
  /** Look-ups of a client order id after a lost submit answer before giving up as uncertain (default 4). */
  readonly lookupAttempts?: number;
  /** First wait before a look-up, doubled each time (default 500 ms). */
  readonly lookupDelayMs?: number;
}

const FINAL: ReadonlySet<VenueOrderStatus> = new Set(["filled", "cancelled", "rejected", "expired"]);

export class CcxtVenueClient implements VenueClient {
  readonly exchangeId: string;
  protected readonly ccxt: CcxtErrors;
  protected readonly exchange: Exchange;
  protected readonly sleep: (ms: number) => Promise<void>;
  protected readonly now: () => number;
  private readonly policy: RetryPolicy;
  private readonly lookupAttempts: number;
  private readonly lookupDelayMs: number;
  protected readonly listeners = new Set<(report: VenueReport) => void>();
  private readonly reports: BinanceReportParser;
  private streaming: Promise<void> | undefined;
  protected closed = false;
  /** WebSocket frames from the venue that were not JSON, dropped. */
  malformedMessages = 0;
  private marketsLoaded: Promise<unknown> | undefined;

  constructor(options: CcxtVenueClientOptions) {
    this.ccxt = options.ccxt;
    this.exchange = options.exchange;
    this.exchangeId = options.exchange.id;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.policy = { maxAttempts: 5, baseDelayMs: 500, rateLimitDelayMs: 5_000, ...options.retry };
    this.lookupAttempts = options.lookupAttempts ?? 4;
    this.lookupDelayMs = options.lookupDelayMs ?? 500;
    const exchange = options.exchange as Exchange & {
      safeSymbol: (id: string, market: undefined, delimiter: undefined, type: string) => string;
    };
    // Reconciliation asks for every open order at once; CCXT refuses that on Binance unless told it is intended.
    const ccxtOptions = options.exchange.options as Record<string, unknown>;
    ccxtOptions["warnOnFetchOpenOrdersWithoutSymbol"] = false;
    ccxtOptions["fetchOpenOrders"] = {
      ...(ccxtOptions["fetchOpenOrders"] as object | undefined),
      warnWithoutSymbol: false,
    };
    // Off: watchOrders on futures would park a positions-snapshot future nobody awaits, which CCXT rejects on a
    // dropped connection (an unhandled rejection). Positions are read over REST by fetchPositions.
    ccxtOptions["watchPositions"] = {
      ...(ccxtOptions["watchPositions"] as object | undefined),
      fetchPositionsSnapshot: false,
    };
    this.reports = new BinanceReportParser((id, type) => exchange.safeSymbol(id, undefined, undefined, type));
  }

  async submit(intent: OrderIntent): Promise<VenueAck> {
    checkIntent(intent);
    await this.loadMarkets();
    const params = this.orderParams(intent);
    const operation = `submit ${intent.side} ${intent.quantity} ${intent.symbol} (client id ${intent.clientOrderId})`;
    const maxAttempts = this.policy.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const order = await this.exchange.createOrder(
          intent.symbol,
          intent.type,
          intent.side,
          intent.quantity,
          intent.price,
          params,
        );
        return { order: toVenueOrder(order, intent.clientOrderId), recovered: false };
      } catch (error) {
        const venueError = this.toError(error, operation);
        // A rate-limited request was refused before the venue looked at it: sending it again is safe.
        if (venueError instanceof RateLimitError && attempt < maxAttempts) {
          await this.sleep(backoffDelayMs({ kind: "rate-limit", ...retryAfter(venueError) }, attempt, this.policy));
          continue;
        }
        if (venueError instanceof NetworkError && !(venueError instanceof RateLimitError)) {
          return this.recoverSubmit(intent, venueError);
        }
        throw venueError;
      }
    }
  }

  async cancel(clientOrderId: string, symbol: string): Promise<VenueOrder> {
    await this.loadMarkets();
    try {
      return await this.read(`cancel ${symbol} (client id ${clientOrderId})`, async () => {
        return toVenueOrder(await this.cancelByClientId(clientOrderId, symbol), clientOrderId);
      });
    } catch (error) {
      // The venue refuses to cancel a final order; after a lost answer that final state may be our own cancel.
      if (!(error instanceof OrderNotFoundError)) throw error;
      const order = await this.fetchOrderByClientId(clientOrderId, symbol);
      if (FINAL.has(order.status)) return order;
      throw error;
    }
  }

  async fetchOrderByClientId(clientOrderId: string, symbol: string): Promise<VenueOrder> {
    await this.loadMarkets();
    return this.read(`fetch order ${symbol} (client id ${clientOrderId})`, async () =>
      toVenueOrder(await this.orderByClientId(clientOrderId, symbol), clientOrderId),
    );
  }

  async fetchOpenOrders(symbol?: string): Promise<VenueOrder[]> {
    await this.loadMarkets();
    return this.read(`fetch open orders${symbol === undefined ? "" : ` ${symbol}`}`, async () =>
      (await this.exchange.fetchOpenOrders(symbol)).map((order) => toVenueOrder(order, order.clientOrderId ?? "")),
    );
  }

  async fetchBalances(): Promise<VenueBalance[]> {
    await this.loadMarkets();
    const balance = await this.read("fetch balances", async () => {
      const answer = await this.exchange.fetchBalance();
      assertWellFormed(answer.info, "fetch balances");
      return answer;
    });
    const totals = (balance.total ?? {}) as unknown as Record<string, number | undefined>;
    const free = (balance.free ?? {}) as unknown as Record<string, number | undefined>;
    const used = (balance.used ?? {}) as unknown as Record<string, number | undefined>;
    return Object.keys(totals)
      .sort()
      .map((asset) => ({ asset, free: free[asset] ?? 0, used: used[asset] ?? 0, total: totals[asset] ?? 0 }));
  }

  async fetchPositions(): Promise<VenuePosition[]> {
    await this.loadMarkets();
    if (this.exchange.has["fetchPositions"] !== true || !this.hasContracts()) return [];
    const positions = await this.read("fetch positions", async () => {
      const answer = await this.exchange.fetchPositions();
      for (const position of answer) assertWellFormed(position.info, "fetch positions");
      return answer;
    });
    return positions
      .filter((position) => (position.contracts ?? 0) !== 0)
      .map((position) => ({
        symbol: position.symbol ?? "",
        quantity: (position.side === "short" ? -1 : 1) * (position.contracts ?? 0) * (position.contractSize ?? 1),
        entryPrice: position.entryPrice ?? 0,
        markPrice: position.markPrice,
        unrealizedPnl: position.unrealizedPnl,
        leverage: position.leverage,
      }));
  }

  onReport(listener: (report: VenueReport) => void): () => void {
    this.listeners.add(listener);
    this.streaming ??= this.streamReports();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.exchange.close();
  }

  private hasContracts(): boolean {
    return Object.values(this.exchange.markets ?? {}).some((market) => market?.contract === true);
  }

  /** The CCXT parameters of a new order: its client id, time in force, post-only and reduce-only flags. */
  protected orderParams(intent: OrderIntent): Record<string, unknown> {
    const params: Record<string, unknown> = { clientOrderId: intent.clientOrderId };
    if (intent.timeInForce === "PO") params["postOnly"] = true;
    else if (intent.timeInForce !== undefined && intent.type === "limit") params["timeInForce"] = intent.timeInForce;
    if (intent.reduceOnly === true) params["reduceOnly"] = true;
    return params;
  }

  /** One look-up of an order by its client id, without retries (Binance takes the id as a fetchOrder parameter). */
  protected orderByClientId(clientOrderId: string, symbol: string): Promise<Order> {
    return this.exchange.fetchOrder("", symbol, { clientOrderId });
  }

  /** One cancel by client id, without retries. */
  protected cancelByClientId(clientOrderId: string, symbol: string): Promise<Order> {
    return this.exchange.cancelOrder("", symbol, { clientOrderId });
  }

  protected loadMarkets(): Promise<unknown> {
    this.marketsLoaded ??= this.read("load markets", () => this.exchange.loadMarkets()).catch((error: unknown) => {
      this.marketsLoaded = undefined;
      throw error;
    });
    return this.marketsLoaded;
  }

  /** A read or cancel with retries on transient errors; errors come out as VenueErrors. */
  protected read<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await call();
        } catch (error) {
          throw this.toError(error, operation);
        }
      },
      {
        ...this.policy,
        sleep: this.sleep,
        classify: (error) => {
          if (error instanceof RateLimitError) return { retry: true, kind: "rate-limit", ...retryAfter(error) };
          if (error instanceof NetworkError) return { retry: true, kind: "transient" };
          return { retry: false };
        },
      },
    ).catch((error: unknown) => {
      if (error instanceof Error && !(error instanceof NetworkError) && error.cause instanceof NetworkError) {
        throw error.cause; // RetryExhausted: the last transient error is what the caller can act on
      }
      throw error;
    });
  }

  /** After a lost submit answer: ask the venue by client id whether the order exists; never send it again. */
  private async recoverSubmit(intent: OrderIntent, cause: VenueError): Promise<VenueAck> {
    let last: unknown = cause;
    for (let attempt = 1; attempt <= this.lookupAttempts; attempt++) {
      await this.sleep(this.lookupDelayMs * 2 ** (attempt - 1));
      try {
        const order = await this.orderByClientId(intent.clientOrderId, intent.symbol);
        return { order: toVenueOrder(order, intent.clientOrderId), recovered: true };
      } catch (error) {
        const venueError = this.toError(error, `look up ${intent.clientOrderId}`);
        if (venueError instanceof OrderNotFoundError) {
          throw new OrderNotPlacedError(
            `submit ${intent.clientOrderId}: the answer was lost (${cause.message}) and the venue does not know the ` +
              "client order id: the order was not placed",
            intent.clientOrderId,
            { cause },
          );
        }
        last = venueError;
      }
    }
    throw new UncertainOrderError(
      `submit ${intent.clientOrderId}: the answer was lost (${cause.message}) and ${this.lookupAttempts} look-ups ` +
        "failed; the order may exist: do not resend, look it up again later",
      intent.clientOrderId,
      { cause: last },
    );
  }

  protected toError(error: unknown, operation: string): VenueError {
    const headers = this.exchange.last_response_headers as Record<string, string> | undefined;
    const header =
      headers === undefined ? undefined : Object.entries(headers).find(([k]) => k.toLowerCase() === "retry-after")?.[1];
    return toVenueError(this.ccxt, error, `${this.exchangeId} ${operation}`, parseRetryAfterMs(header, this.now()));
  }

  /**
   * Keeps the user data stream open and turns every raw order event into reports. The raw events are read through
   * CCXT's message handler (CCXT's own order cache merges several events of one order into one update, which would
   * lose partial fills); `watchOrders` is what keeps CCXT subscribed.
   */
  protected async streamReports(): Promise<void> {
    const exchange = this.exchange as Exchange & { handleMessage: (client: unknown, message: unknown) => void };
    const original = exchange.handleMessage.bind(exchange);
    exchange.handleMessage = (client, message) => {
      // CCXT passes a frame that is not JSON through as a string and then throws on it outside any promise the
      // caller holds (an unhandled rejection): such a frame is counted and dropped here instead.
      if (message === null || typeof message !== "object") {
        this.malformedMessages++;
        return;
      }
      for (const report of this.reports.parse(message)) for (const listener of this.listeners) listener(report);
      original(client, message);
    };
    let failures = 0;
    while (!this.closed) {
      try {
        await this.exchange.watchOrders();
        failures = 0;
      } catch (error) {
        if (this.closed) return;
        failures++;
        // The stream reconnects by itself on the next watch; back off so a dead venue is not hammered.
        await this.sleep(backoffDelayMs({ kind: "transient" }, Math.min(failures, 6), this.policy));
        if (!(error instanceof Error)) continue;
      }
    }
  }
}

function checkIntent(intent: OrderIntent): void {
  const problems: string[] = [];
  if (
    intent.clientOrderId.length === 0 ||
    intent.clientOrderId.length > 36 ||
    !/^[\w.:/-]+$/.test(intent.clientOrderId)
  ) {
    problems.push(`clientOrderId "${intent.clientOrderId}" must be 1-36 characters of letters, digits, . _ : / -`);
  }
  if (!(intent.quantity > 0) || !Number.isFinite(intent.quantity))
    problems.push(`quantity must be > 0, got ${intent.quantity}`);
  if (
    intent.type === "limit" &&
    (intent.price === undefined || !(intent.price > 0) || !Number.isFinite(intent.price))
  ) {
    problems.push(`a limit order needs a price > 0, got ${intent.price}`);
  }
  if (problems.length > 0) throw new InvalidOrderError(`submit ${intent.clientOrderId}: ${problems.join("; ")}`);
}

function retryAfter(error: RateLimitError): { retryAfterMs?: number } {
  return error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs };
}

const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  open: "open",
  closed: "filled",
  canceled: "cancelled",
  cancelled: "cancelled",
  rejected: "rejected",
  expired: "expired",
};

/**
 * CCXT hands an unparseable body through as a string and "parses" it character by character; an answer without
 * the venue's own fields is therefore treated as a transport failure (retried, or looked up after a submit).
 */
function assertWellFormed(info: unknown, what: string): void {
  if (info === null || typeof info !== "object") {
    throw new NetworkError(`malformed answer from the venue to ${what}: ${String(info).slice(0, 80)}`);
  }
}

/** A CCXT order as a VenueOrder; an open order with fills is "partially-filled". */
export function toVenueOrder(order: Order, clientOrderId: string): VenueOrder {
  assertWellFormed(order.info, "an order request");
  if (order.id === undefined || order.symbol === undefined) {
    throw new NetworkError(`malformed answer from the venue to an order request: no order id or symbol`);
  }
  const filled = order.filled ?? 0;
  let status = STATUS[order.status ?? "open"] ?? "open";
  if (status === "open" && filled > 0) status = "partially-filled";
  return {
    venueOrderId: String(order.id),
    clientOrderId: order.clientOrderId ?? clientOrderId,
    symbol: order.symbol ?? "",
    side: order.side === "sell" ? "sell" : "buy",
    type: order.type ?? "unknown",
    status,
    quantity: order.amount ?? 0,
    filledQuantity: filled,
    averagePrice: order.average,
    price: order.price === 0 ? undefined : order.price,
    timestamp: order.lastUpdateTimestamp ?? order.timestamp,
  };
}
