import type {
  OrderIntent,
  VenueAck,
  VenueBalance,
  VenueClient,
  VenueOrder,
  VenuePosition,
  VenueReport,
} from "./venue-client.js";

/** One venue of a routed session and the symbols it trades. */
export interface VenueRoute {
  readonly client: VenueClient;
  readonly symbols: readonly string[];
}

/**
 * Several venues behind one VenueClient, chosen by symbol: a session trading crypto on Binance and stocks on Alpaca
 * has one order manager, one store and one reconciliation, and each order goes to the venue of its symbol. Reports
 * of every venue reach every listener; balances and positions are the venues' lists side by side (their assets do
 * not overlap: USDT and BTC on one, USD and AAPL on the other).
 */
export class RoutingVenueClient implements VenueClient {
  readonly exchangeId: string;
  readonly #routes: readonly VenueRoute[];
  readonly #bySymbol = new Map<string, VenueClient>();

  constructor(routes: readonly VenueRoute[]) {
    if (routes.length === 0) throw new RangeError("a routing venue client needs at least one venue");
    for (const route of routes) {
      for (const symbol of route.symbols) {
        const other = this.#bySymbol.get(symbol);
        if (other)
          throw new RangeError(`${symbol} is routed to both ${other.exchangeId} and ${route.client.exchangeId}`);
        this.#bySymbol.set(symbol, route.client);
      }
    }
    this.#routes = routes;
    this.exchangeId = routes.map((r) => r.client.exchangeId).join("+");
  }

  async submit(intent: OrderIntent): Promise<VenueAck> {
    return this.#venue(intent.symbol).submit(intent);
  }

  async cancel(clientOrderId: string, symbol: string): Promise<VenueOrder> {
    return this.#venue(symbol).cancel(clientOrderId, symbol);
  }

  async fetchOrderByClientId(clientOrderId: string, symbol: string): Promise<VenueOrder> {
    return this.#venue(symbol).fetchOrderByClientId(clientOrderId, symbol);
  }

  async fetchOpenOrders(symbol?: string): Promise<VenueOrder[]> {
    if (symbol !== undefined) return this.#venue(symbol).fetchOpenOrders(symbol);
    return (await Promise.all(this.#routes.map((r) => r.client.fetchOpenOrders()))).flat();
  }

  async fetchBalances(): Promise<VenueBalance[]> {
    return (await Promise.all(this.#routes.map((r) => r.client.fetchBalances()))).flat();
  }

  async fetchPositions(): Promise<VenuePosition[]> {
    return (await Promise.all(this.#routes.map((r) => r.client.fetchPositions()))).flat();
  }

  onReport(listener: (report: VenueReport) => void): () => void {
    const unsubscribes = this.#routes.map((r) => r.client.onReport(listener));
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#routes.map((r) => r.client.close()));
  }

  /** The venue of a symbol, as the engine or the venue names it (BTC/USDT:USDT is BTC/USDT's contract). */
  #venue(symbol: string): VenueClient {
    const client = this.#bySymbol.get(symbol) ?? this.#bySymbol.get(symbol.split(":")[0] as string);
    if (!client) throw new RangeError(`no venue trades ${symbol} in this session`);
    return client;
  }
}
