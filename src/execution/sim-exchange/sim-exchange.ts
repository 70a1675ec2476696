/**
 * The simulated exchange: a local Binance (spot and USDⓈ-M futures, REST and WebSocket) on 127.0.0.1, fed by the
 * project's simulated market, so paper, testnet and live code talk to it through real CCXT exactly as to Binance,
 * and so every venue test has one test double with switchable faults. Start it with `startSimExchange()`; point CCXT
 * at it with `simExchangeCcxtUrls(exchange)` (or the venue client's `sim` option).
 *
 * Time: market time starts `historyBars` minutes into the generated market (so klines have history at once). With
 * `clock: "manual"` (tests) it moves only through `advance(ms)`; with `clock: "realtime"` (the default) a timer moves
 * it by `speed` market milliseconds per wall millisecond (`speed: 60` = one minute of market per second). Each step
 * of `tickMs` market time matches resting orders and publishes the streams.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MarketTape, TAPE_BAR_MS } from "./market-tape.js";
import { rateLimitMessage, SimFaultScript } from "./sim-faults.js";
import { listingsFor, type SimMarketSpec, type SimVenue } from "./sim-markets.js";
import { type SimAccountSeed, SimMatchingEngine } from "./sim-matching.js";
import type { SimOrder } from "./sim-orders.js";
import { type RestContext, routeRest } from "./sim-rest.js";
import { SimWebSockets } from "./sim-ws.js";

export interface SimExchangeOptions {
  /** Pairs listed on both venues (default BTC/USDT from 30 000 and ETH/USDT from 2 000). */
  readonly markets?: readonly SimMarketSpec[];
  /** Seed of the simulated markets (each pair derives its own); default 42. */
  readonly seed?: number | string;
  /** Minute bars generated per pair (default 43 200 = 30 days). */
  readonly bars?: number;
  /** Minutes of history before market time starts (default 1 000). */
  readonly historyBars?: number;
  /** Open time of the first generated bar (default 2024-01-01T00:00Z). */
  readonly startTime?: number;
  /** "realtime" (default) or "manual" (tests: only `advance` moves time). */
  readonly clock?: "realtime" | "manual";
  /** Market milliseconds per wall millisecond in realtime mode (default 1). */
  readonly speed?: number;
  /** Market time between two ticks (default 1 000 ms). */
  readonly tickMs?: number;
  /** Fee rate of every fill (default 0.001 = 0.1 %). */
  readonly feeRate?: number;
  /** Accounts by API key (default one account, key "sim-key": 10 000 USDT spot and 10 000 USDT futures). */
  readonly accounts?: Readonly<Record<string, SimAccountSeed>>;
  /** Port to listen on (default 0: a free one). */
  readonly port?: number;
}

/** One request as the server saw it. */
export interface SimRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly apiKey: string | undefined;
  /** HTTP status sent, 0 when the connection was dropped or the answer held back. */
  readonly status: number;
}

export interface SimExchange {
  /** REST origin, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** WebSocket origin, e.g. ws://127.0.0.1:41234. */
  readonly wsUrl: string;
  /** Current market time (Unix ms). */
  now(): number;
  /** Moves market time forward by `ms` in ticks, matching orders and publishing streams at each. */
  advance(ms: number): void;
  /** Last traded price of a Binance symbol id (BTCUSDT). */
  lastPrice(symbolId: string): number;
  readonly faults: SimFaultScript;
  readonly requests: readonly SimRecordedRequest[];
  /** Every order accepted, both venues, oldest first. */
  orders(venue?: SimVenue): readonly SimOrder[];
  readonly engine: SimMatchingEngine;
  /** Resolves once a request to `path` (e.g. /api/v3/depth) has been answered (at once if one was). */
  requested(path: string): Promise<void>;
  /** Resolves once a WebSocket client subscribed to `stream` (`btcusdt@trade`, `user:<apiKey>:spot|futures`). */
  subscribed(stream: string): Promise<void>;
  /** Closes every WebSocket connection abruptly. */
  dropWebSockets(): void;
  /** Sends `text` unchanged to every WebSocket connection. */
  sendRawWebSocket(text: string): void;
  close(): Promise<void>;
}

export const SIM_API_KEY = "sim-key";
export const SIM_API_SECRET = "sim-secret";

const DEFAULT_MARKETS: readonly SimMarketSpec[] = [
  { base: "BTC", quote: "USDT", startPrice: 30_000 },
  { base: "ETH", quote: "USDT", startPrice: 2_000 },
];

export async function startSimExchange(options: SimExchangeOptions = {}): Promise<SimExchange> {
  const specs = options.markets ?? DEFAULT_MARKETS;
  if (specs.length === 0) throw new RangeError("simulated exchange: markets must list at least one pair");
  const speed = options.speed ?? 1;
  const tickMs = options.tickMs ?? 1_000;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`simulated exchange: speed must be > 0, got ${speed}`);
  if (!Number.isInteger(tickMs) || tickMs < 1)
    throw new RangeError(`simulated exchange: tickMs must be a positive integer, got ${tickMs}`);
  const startTime = options.startTime ?? Date.UTC(2024, 0, 1);
  const bars = options.bars ?? 43_200;
  const historyBars = options.historyBars ?? 1_000;
  if (historyBars >= bars)
    throw new RangeError(`simulated exchange: historyBars (${historyBars}) must be below bars (${bars})`);
  const { spot, futures } = listingsFor(specs);
  const tapes = new Map<string, MarketTape>();
  for (const listing of spot) {
    tapes.set(
      listing.id,
      new MarketTape({
        symbol: `${listing.spec.base}/${listing.spec.quote}`,
        startPrice: listing.spec.startPrice,
        seed: `${options.seed ?? 42}:${listing.id}`,
        bars,
        startTime,
        tickSize: listing.filters.tickSize,
      }),
    );
  }
  let marketTime = startTime + historyBars * TAPE_BAR_MS;
  const now = (): number => marketTime;
  const feeRate = options.feeRate ?? 0.001;
  const engine = new SimMatchingEngine({
    spot,
    futures,
    tapes,
    accounts: options.accounts ?? { [SIM_API_KEY]: { spot: { USDT: 10_000 }, futures: 10_000 } },
    feeRate,
    now,
  });
  const listenKeys = new Map<string, string>();
  let listenKeyCounter = 0;
  const restContext: RestContext = {
    engine,
    tapes,
    spot,
    futures,
    feeRate,
    now,
    listenKey: (apiKey, venue) => {
      const key = `${venue}ListenKey${++listenKeyCounter}x${"0".repeat(40)}`.slice(0, 60);
      listenKeys.set(key, apiKey);
      return key;
    },
  };
  const sockets = new SimWebSockets({
    engine,
    tapes,
    spot,
    futures,
    now,
    listenKeyOwner: (key) => listenKeys.get(key),
  });
  const faults = new SimFaultScript();
  const requests: SimRecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const requestWaiters: { readonly path: string; readonly resolve: () => void }[] = [];
  const recordRequest = (entry: SimRecordedRequest): void => {
    requests.push(entry);
    for (let i = requestWaiters.length - 1; i >= 0; i--) {
      if (requestWaiters[i]!.path !== entry.path) continue;
      requestWaiters[i]!.resolve();
      requestWaiters.splice(i, 1);
    }
  };

  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const url = new URL(request.url ?? "/", "http://127.0.0.1");
        const params: Record<string, string> = Object.fromEntries(url.searchParams.entries());
        for (const [key, value] of new URLSearchParams(body)) params[key] = value;
        const header = request.headers["x-mbx-apikey"];
        const apiKey = typeof header === "string" ? header : undefined;
        const method = request.method ?? "GET";
        const record = (status: number) => recordRequest({ method, path: url.pathname, params, apiKey, status });
        const answer = () => routeRest(restContext, method, url.pathname, params, apiKey);
        const fault = faults.take(method, url.pathname);
        if (fault === undefined) {
          const [status, result] = answer();
          record(status);
          sendJson(response, status, result);
          return;
        }
        switch (fault.kind) {
          case "rate-limit": {
            const status = fault.status ?? 429;
            record(status);
            if (fault.retryAfterSeconds !== null)
              response.setHeader("Retry-After", String(fault.retryAfterSeconds ?? 1));
            sendJson(response, status, { code: -1003, msg: rateLimitMessage(status) });
            return;
          }
          case "server-error": {
            const status = fault.status ?? 503;
            record(status);
            response.writeHead(status, { "Content-Type": "text/html" });
            response.end(`<html><body><h1>${status} Service Unavailable</h1></body></html>`);
            return;
          }
          case "drop-connection":
            record(0);
            request.socket.destroy();
            return;
          case "timeout":
            if (fault.process === true) answer();
            record(0);
            held.add(response);
            response.on("close", () => held.delete(response));
            return;
          case "lose-response":
            answer();
            record(0);
            request.socket.destroy();
            return;
          case "malformed":
            record(200);
            response.writeHead(200, { "Content-Type": "application/json;charset=UTF-8" });
            response.end('{"symbol":"BTCUSDT","orderId":');
            return;
          case "binance-error":
            record(fault.status);
            sendJson(response, fault.status, { code: fault.code, msg: fault.msg });
            return;
        }
      },
      () => request.socket.destroy(),
    );
  });
  server.on("upgrade", (request, socket, head) => sockets.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const endTime = startTime + bars * TAPE_BAR_MS;
  const advance = (ms: number): void => {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance: ms must be a finite number >= 0, got ${ms}`);
    const target = Math.min(marketTime + ms, endTime - 1);
    const start = marketTime;
    while (marketTime < target) {
      const from = marketTime;
      marketTime = Math.min(target, (Math.floor(marketTime / tickMs) + 1) * tickMs);
      engine.matchResting();
      sockets.publish(from, marketTime, "trades");
    }
    // Orders match and trades print every tick; candles and books go out once per advance. At --speed 600 one
    // advance (100 ms of wall time) spans 60 ticks, and a depth diff per tick cost the client (CCXT) and this
    // server about half the CPU of a paper session, for intermediate books no one reads.
    if (marketTime > start) sockets.publish(start, marketTime, "state");
  };

  let timer: NodeJS.Timeout | undefined;
  if ((options.clock ?? "realtime") === "realtime") {
    let lastWall = Date.now();
    timer = setInterval(() => {
      const wall = Date.now();
      advance((wall - lastWall) * speed);
      lastWall = wall;
    }, 100);
    timer.unref();
  }

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    now,
    advance,
    lastPrice: (symbolId) => engine.lastPrice(symbolId),
    faults,
    requests,
    orders: (venue) => (venue === undefined ? engine.allOrders() : engine.allOrders().filter((o) => o.venue === venue)),
    engine,
    requested: (path) =>
      requests.some((entry) => entry.path === path)
        ? Promise.resolve()
        : new Promise<void>((resolve) => requestWaiters.push({ path, resolve })),
    subscribed: (stream) => sockets.subscribed(stream),
    dropWebSockets: () => sockets.dropAll(),
    sendRawWebSocket: (text) => sockets.sendRaw(text),
    close() {
      if (timer !== undefined) clearInterval(timer);
      sockets.close();
      for (const response of held) response.destroy();
      // CCXT keeps connections alive; close them or server.close() waits for their idle timeout.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * The URLs to give a CCXT `binance` / `binanceusdm` client (REST and ccxt.pro WebSocket) so it talks to `sim`:
 * assign the result's `api` to `exchange.urls.api` (see `pointCcxtAtSimExchange`).
 */
export function simExchangeWsUrls(wsUrl: string): Record<string, unknown> {
  return {
    spot: `${wsUrl}/stream/ws`,
    margin: `${wsUrl}/stream/ws`,
    future: `${wsUrl}/fapi-ws/ws`,
    "ws-api": { spot: `${wsUrl}/ws-api/v3`, future: `${wsUrl}/ws-fapi/v1` },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json;charset=UTF-8" });
  response.end(JSON.stringify(body));
}
