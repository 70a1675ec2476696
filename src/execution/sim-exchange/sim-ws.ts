/**
 * The simulated exchange's WebSocket side, in Binance's formats: market streams (`<symbol>@kline_<interval>`,
 * `@trade`/`@aggTrade`, diff depth `@depth[@100ms]`, partial book depth `@depth<5|10|20>[@100ms]`) subscribed with `{"method":"SUBSCRIBE"}` on /ws/<n> (spot) and
 * /fapi-ws/{market,public}/ws/<n> (futures); the spot user data stream through the WebSocket API
 * (/ws-api/v3, `userDataStream.subscribe.signature`, events wrapped in `{subscriptionId, event}`); the futures user
 * data stream on /fapi-ws/private/ws?listenKey=… (ORDER_TRADE_UPDATE).
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { BINANCE_INTERVAL_MS, binanceDecimal } from "../../data/exchange/binance-wire.js";
import type { MarketTape } from "./market-tape.js";
import { bookAround } from "./sim-book.js";
import type { SimListing, SimVenue } from "./sim-markets.js";
import type { SimMatchingEngine } from "./sim-matching.js";
import type { SimOrderEvent } from "./sim-orders.js";
import { bookUpdateId } from "./sim-rest.js";
import { tradeEvent, tradesBetween } from "./sim-trades.js";
import { executionReport, orderTradeUpdate } from "./sim-wire.js";

interface Connection {
  readonly socket: WebSocket;
  readonly venue: SimVenue;
  readonly streams: Set<string>;
  /** API key whose order events this connection receives, once subscribed. */
  userDataKey: string | undefined;
  /** Spot WebSocket API: events are wrapped with this subscription id. */
  subscriptionId: number | undefined;
  /** Last book per symbol sent to this connection, to send diffs. */
  readonly lastBook: Map<string, Map<string, string>>;
}

export interface SimWsContext {
  readonly engine: SimMatchingEngine;
  readonly tapes: ReadonlyMap<string, MarketTape>;
  readonly spot: readonly SimListing[];
  readonly futures: readonly SimListing[];
  readonly now: () => number;
  /** The API key a listen key was issued for, or undefined. */
  readonly listenKeyOwner: (listenKey: string) => string | undefined;
}

export class SimWebSockets {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();
  private readonly waiters: { readonly stream: string; readonly resolve: () => void }[] = [];

  constructor(private readonly context: SimWsContext) {
    context.engine.onEvent((event) => this.sendOrderEvent(event));
  }

  /** Accepts an HTTP upgrade on one of the stream paths, or refuses it with 404. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const route = this.routeOf(url);
    if (route === undefined) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      const connection: Connection = {
        socket: ws,
        venue: route.venue,
        streams: new Set(),
        userDataKey: route.userDataKey,
        subscriptionId: undefined,
        lastBook: new Map(),
      };
      this.connections.add(connection);
      ws.on("close", () => this.connections.delete(connection));
      ws.on("message", (data) => this.onMessage(connection, data.toString()));
      this.wakeWaiters();
    });
  }

  /**
   * Sends what changed between market times `from` and `to` to every subscriber: the trades printed in that time
   * (`trades`), or the state of the candles and the books at `to` (`state`, one event per kline and book however
   * much market time passed, as Binance's diff streams cover the update ids U..u of their window).
   */
  publish(from: number, to: number, what: "trades" | "state"): void {
    for (const connection of this.connections) {
      for (const stream of connection.streams) {
        const [symbolId, channel] = stream.split("@") as [string, string | undefined];
        const symbol = symbolId.toUpperCase();
        const tape = this.context.tapes.get(symbol);
        if (tape === undefined || channel === undefined) continue;
        if (what === "trades") {
          if (channel === "trade" || channel === "aggTrade")
            this.sendTrades(connection, tape, symbol, channel, from, to);
        } else if (channel.startsWith("kline_")) this.sendKlines(connection, tape, symbol, channel.slice(6), from, to);
        else if (channel === "depth") this.sendDepth(connection, symbol, from, to);
        else if (PARTIAL_DEPTH.test(channel))
          this.sendPartialDepth(connection, symbol, Number(channel.slice(5)), from, to);
      }
    }
  }

  /**
   * Resolves once some connection subscribes to `stream` (e.g. `btcusdt@kline_1m`, or `user:<apiKey>:spot` for a
   * user data stream): tests wait for it instead of sleeping before they advance the market.
   */
  subscribed(stream: string): Promise<void> {
    if (this.hasStream(stream)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ stream, resolve }));
  }

  private hasStream(stream: string): boolean {
    for (const connection of this.connections) {
      if (connection.streams.has(stream)) return true;
      if (connection.userDataKey !== undefined && stream === `user:${connection.userDataKey}:${connection.venue}`) {
        if (connection.venue === "futures" || connection.subscriptionId !== undefined) return true;
      }
    }
    return false;
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (!this.hasStream(waiter.stream)) continue;
      this.waiters.splice(i, 1);
      waiter.resolve();
    }
  }

  /** Closes every WebSocket connection abruptly (a network drop, for reconnect tests). */
  dropAll(): void {
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
  }

  /** Sends `text` as is to every connection (a malformed message, for robustness tests). */
  sendRaw(text: string): void {
    for (const connection of this.connections) connection.socket.send(text);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  close(): void {
    this.dropAll();
    this.server.close();
  }

  private routeOf(url: URL): { venue: SimVenue; userDataKey?: string } | undefined {
    const path = url.pathname;
    if (path === "/ws-api/v3") return { venue: "spot" };
    // CCXT tells spot from futures streams by "/stream" in the URL (Binance's host is stream.binance.com).
    if (/^\/stream\/ws(\/\d+)?$/.test(path)) return { venue: "spot" };
    if (/^\/fapi-ws\/(market|public)\/ws(\/\d+)?$/.test(path) || /^\/fapi-ws\/ws(\/\d+)?$/.test(path)) {
      return { venue: "futures" };
    }
    const listenKey = path === "/fapi-ws/private/ws" ? url.searchParams.get("listenKey") : undefined;
    if (listenKey !== undefined && listenKey !== null) {
      const owner = this.context.listenKeyOwner(listenKey);
      return owner === undefined ? undefined : { venue: "futures", userDataKey: owner };
    }
    return undefined;
  }

  private onMessage(connection: Connection, text: string): void {
    let message: { id?: unknown; method?: unknown; params?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      connection.socket.send(JSON.stringify({ error: { code: -1, msg: "Malformed request." }, id: null }));
      return;
    }
    const { id, method, params } = message;
    if (method === "SUBSCRIBE" || method === "UNSUBSCRIBE") {
      for (const stream of Array.isArray(params) ? params : []) {
        if (typeof stream !== "string") continue;
        if (method === "SUBSCRIBE") connection.streams.add(stream);
        else connection.streams.delete(stream);
      }
      connection.socket.send(JSON.stringify({ result: null, id }));
      this.wakeWaiters();
      return;
    }
    if (method === "userDataStream.subscribe.signature") {
      const apiKey = (params as { apiKey?: unknown } | undefined)?.apiKey;
      if (typeof apiKey !== "string" || !this.context.engine.hasAccount(apiKey)) {
        const error = { code: -2015, msg: "Invalid API-key, IP, or permissions for action." };
        connection.socket.send(JSON.stringify({ id, status: 401, error }));
        return;
      }
      connection.userDataKey = apiKey;
      connection.subscriptionId = 0;
      connection.socket.send(JSON.stringify({ id, status: 200, result: { subscriptionId: 0 } }));
      this.wakeWaiters();
      return;
    }
    connection.socket.send(
      JSON.stringify({ id, status: 400, error: { code: -1, msg: `unsupported method ${method}` } }),
    );
  }

  private sendOrderEvent(event: SimOrderEvent): void {
    for (const connection of this.connections) {
      if (connection.userDataKey !== event.order.apiKey || connection.venue !== event.order.venue) continue;
      if (event.order.venue === "futures") {
        connection.socket.send(JSON.stringify(orderTradeUpdate(event)));
      } else if (connection.subscriptionId !== undefined) {
        connection.socket.send(
          JSON.stringify({ subscriptionId: connection.subscriptionId, event: executionReport(event) }),
        );
      }
    }
  }

  private sendKlines(
    connection: Connection,
    tape: MarketTape,
    symbol: string,
    interval: string,
    from: number,
    to: number,
  ) {
    const intervalMs = BINANCE_INTERVAL_MS[interval];
    if (intervalMs === undefined || intervalMs < 60_000 || to >= tape.endTime) return;
    const firstOpen = Math.floor(from / intervalMs) * intervalMs;
    const currentOpen = Math.floor(to / intervalMs) * intervalMs;
    // Bars that closed since `from` go out once more, final (x: true), before the forming one.
    for (let open = firstOpen; open < currentOpen; open += intervalMs) {
      const [candle] = tape.candles(intervalMs, to, open, open);
      if (candle !== undefined) this.send(connection, klineEvent(symbol, interval, intervalMs, candle, true, to));
    }
    const [forming] = tape.candles(intervalMs, to, currentOpen, currentOpen);
    if (forming !== undefined) this.send(connection, klineEvent(symbol, interval, intervalMs, forming, false, to));
  }

  /** The trades printed in (from, to], the last 100 at most when the market jumped ahead. */
  private sendTrades(
    connection: Connection,
    tape: MarketTape,
    symbol: string,
    channel: "trade" | "aggTrade",
    from: number,
    to: number,
  ) {
    const step = this.context.engine.listing(connection.venue, symbol).filters.stepSize;
    for (const trade of tradesBetween(tape, from + 1, to, step, 100))
      this.send(connection, tradeEvent(symbol, trade, channel, connection.venue, to));
  }

  /**
   * Partial book depth: the top `levels` of the book whole on every update, as Binance sends them (spot: only
   * `lastUpdateId`, `bids`, `asks`; futures: a `depthUpdate` event carrying the whole top of book).
   */
  private sendPartialDepth(connection: Connection, symbol: string, levels: number, from: number, to: number) {
    const book = this.context.engine.book(connection.venue, symbol, levels);
    const bids = book.bids.map((level) => [String(level.price), String(level.quantity)]);
    const asks = book.asks.map((level) => [String(level.price), String(level.quantity)]);
    if (connection.venue === "spot") {
      this.send(connection, { lastUpdateId: bookUpdateId(to), bids, asks });
      return;
    }
    this.send(connection, {
      e: "depthUpdate",
      E: to,
      T: to,
      s: symbol,
      U: bookUpdateId(from) + 1,
      u: bookUpdateId(to),
      pu: bookUpdateId(from),
      b: bids,
      a: asks,
    });
  }

  private sendDepth(connection: Connection, symbol: string, from: number, to: number) {
    const book = this.context.engine.book(connection.venue, symbol);
    const next = new Map<string, string>();
    const bids: [string, string][] = [];
    const asks: [string, string][] = [];
    // A connection's first diff is against the book as it stood at `from`, as Binance's diffs continue the book
    // the client fetched; against an empty book, the snapshot's levels would never be removed.
    const previous = connection.lastBook.get(symbol) ?? this.bookKeys(connection.venue, symbol, from);
    for (const [levels, out, sideKey] of [
      [book.bids, bids, "b"],
      [book.asks, asks, "a"],
    ] as const) {
      for (const level of levels) {
        const key = `${sideKey}${level.price}`;
        next.set(key, String(level.quantity));
        if (previous.get(key) !== String(level.quantity)) out.push([String(level.price), String(level.quantity)]);
      }
    }
    for (const key of previous.keys()) {
      if (next.has(key)) continue;
      (key.startsWith("b") ? bids : asks).push([key.slice(1), "0"]);
    }
    connection.lastBook.set(symbol, next);
    const event: Record<string, unknown> = {
      e: "depthUpdate",
      E: to,
      s: symbol,
      U: bookUpdateId(from) + 1,
      u: bookUpdateId(to),
      b: bids,
      a: asks,
    };
    if (connection.venue === "futures") {
      event["T"] = to;
      event["pu"] = bookUpdateId(from);
    }
    this.send(connection, event);
  }

  private bookKeys(venue: SimVenue, symbol: string, time: number): Map<string, string> {
    const keys = new Map<string, string>();
    const tape = this.context.tapes.get(symbol);
    if (tape === undefined) return keys;
    const book = bookAround(tape.priceAt(time), { ...this.context.engine.listing(venue, symbol).filters, levels: 20 });
    for (const level of book.bids) keys.set(`b${level.price}`, String(level.quantity));
    for (const level of book.asks) keys.set(`a${level.price}`, String(level.quantity));
    return keys;
  }

  private send(connection: Connection, event: unknown): void {
    connection.socket.send(JSON.stringify(event));
  }
}

/** Binance's partial book depth channels. */
const PARTIAL_DEPTH = /^depth(5|10|20)$/;

function klineEvent(
  symbol: string,
  interval: string,
  intervalMs: number,
  candle: { time: number; open: number; high: number; low: number; close: number; volume: number },
  closed: boolean,
  time: number,
): unknown {
  return {
    e: "kline",
    E: time,
    s: symbol,
    k: {
      t: candle.time,
      T: candle.time + intervalMs - 1,
      s: symbol,
      i: interval,
      f: 1,
      L: 1,
      o: binanceDecimal(candle.open),
      c: binanceDecimal(candle.close),
      h: binanceDecimal(candle.high),
      l: binanceDecimal(candle.low),
      v: binanceDecimal(candle.volume),
      n: 1,
      x: closed,
      q: binanceDecimal(candle.volume * candle.close),
      V: binanceDecimal(candle.volume / 2),
      Q: binanceDecimal((candle.volume * candle.close) / 2),
      B: "0",
    },
  };
}
