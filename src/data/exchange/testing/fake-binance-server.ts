/**
 * A local stand-in for Binance's public REST API, in Binance's real wire format, so the download path can be tested
 * end to end through real CCXT without a network. It listens on 127.0.0.1 with an ephemeral port, serves the
 * endpoints CCXT's `binance` class calls to load markets and candles, records every request, and can be scripted to
 * fail (429 with Retry-After, 5xx, dropped connection, Binance error bodies) so retry and fail-fast paths are testable.
 *
 * Point CCXT at it with `createCcxtExchange("binance", { apiBaseUrl: server.url })`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Candle } from "../../../domain/candles.js";
import { BINANCE_INTERVAL_MS, binanceKlineRow } from "../binance-wire.js";
import { exchangeInfoFor, type FakeMarket, futuresExchangeInfo, spotExchangeInfo } from "./fake-binance-markets.js";

/** One request as the server saw it. `query` holds the decoded query-string parameters. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The X-MBX-APIKEY header, when the client sent one (signed and key-only endpoints). */
  readonly apiKey: string | undefined;
  readonly status: number;
}

/** A scripted failure. Error bodies are the ones Binance sends. */
export type FakeBinanceFault =
  /** `retryAfterSeconds` defaults to 1; `null` sends no Retry-After header. */
  | { readonly kind: "rate-limit"; readonly status?: 429 | 418; readonly retryAfterSeconds?: number | null }
  | { readonly kind: "server-error"; readonly status?: 500 | 502 | 503 | 504 }
  | { readonly kind: "drop-connection" }
  | { readonly kind: "invalid-symbol" }
  | { readonly kind: "binance-error"; readonly status: number; readonly code: number; readonly msg: string };

/** Which requests a scripted fault hits: the next `times` requests to `path` (any path when absent) after `skip`. */
export interface FaultMatch {
  readonly path?: string;
  readonly skip?: number;
  readonly times?: number;
}

export interface FakeBinanceServerOptions {
  /** Initial candles per Binance symbol id and interval, e.g. `{ BTCUSDT: { "1h": rows } }`. */
  readonly candles?: Readonly<Record<string, Readonly<Record<string, readonly Candle[]>>>>;
  /** Server clock for /time endpoints and exchangeInfo.serverTime; default Date.now. */
  readonly now?: () => number;
}

export interface FakeBinanceServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Replaces the candles served for `symbolId` (Binance id, e.g. BTCUSDT) and `interval`; rows ascending by time. */
  setCandles(symbolId: string, interval: string, candles: readonly Candle[]): void;
  /** Scripts `fault` for the requests selected by `match` (default: the next request to any path). */
  failNext(fault: FakeBinanceFault, match?: FaultMatch): void;
  /** The recorded requests to a kline endpoint (`/api/v3/klines`, `/fapi/v1/klines`, ...). */
  klineRequests(): RecordedRequest[];
  /** Forgets the recorded requests (scripted faults stay). */
  clearRequests(): void;
  close(): Promise<void>;
}

interface ScriptedFault {
  readonly fault: FakeBinanceFault;
  readonly path: string | undefined;
  skip: number;
  times: number;
}

/** Starts the server on 127.0.0.1 with an ephemeral port. Call `close()` when done. */
export async function startFakeBinanceServer(options: FakeBinanceServerOptions = {}): Promise<FakeBinanceServer> {
  const now = options.now ?? Date.now;
  const candles = new Map<string, readonly Candle[]>();
  for (const [symbolId, byInterval] of Object.entries(options.candles ?? {})) {
    for (const [interval, rows] of Object.entries(byInterval)) candles.set(`${symbolId} ${interval}`, rows);
  }
  const requests: RecordedRequest[] = [];
  const faults: ScriptedFault[] = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams.entries());
    const apiKeyHeader = request.headers["x-mbx-apikey"];
    const apiKey = typeof apiKeyHeader === "string" ? apiKeyHeader : undefined;
    const record = (status: number): void => {
      requests.push({ method: request.method ?? "GET", path: url.pathname, query, apiKey, status });
    };
    const fault = takeFault(faults, url.pathname);
    if (fault !== undefined) {
      applyFault(fault, request, response, record);
      return;
    }
    const [status, body] = route(request.method ?? "GET", url.pathname, query, apiKey, { candles, now });
    record(status);
    sendJson(response, status, body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setCandles(symbolId, interval, rows) {
      candles.set(`${symbolId} ${interval}`, rows);
    },
    failNext(fault, match = {}) {
      faults.push({ fault, path: match.path, skip: match.skip ?? 0, times: match.times ?? 1 });
    },
    klineRequests() {
      return requests.filter((entry) => entry.path.endsWith("/klines"));
    },
    clearRequests() {
      requests.length = 0;
    },
    close() {
      // CCXT's HTTP client keeps connections alive; close them or server.close() waits for their idle timeout.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function takeFault(faults: ScriptedFault[], path: string): FakeBinanceFault | undefined {
  const index = faults.findIndex((entry) => entry.path === undefined || entry.path === path);
  if (index < 0) return undefined;
  const entry = faults[index]!;
  if (entry.skip > 0) {
    entry.skip--;
    return undefined;
  }
  entry.times--;
  if (entry.times <= 0) faults.splice(index, 1);
  return entry.fault;
}

function applyFault(
  fault: FakeBinanceFault,
  request: IncomingMessage,
  response: ServerResponse,
  record: (status: number) => void,
): void {
  switch (fault.kind) {
    case "rate-limit": {
      const status = fault.status ?? 429;
      record(status);
      const msg =
        status === 418
          ? "Way too many requests; IP banned until 1700000000000. Please use the websocket for live updates to avoid bans."
          : "Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.";
      if (fault.retryAfterSeconds !== null) response.setHeader("Retry-After", String(fault.retryAfterSeconds ?? 1));
      sendJson(response, status, { code: -1003, msg });
      return;
    }
    case "server-error": {
      const status = fault.status ?? 500;
      record(status);
      // Binance's front end answers 5xx with an HTML page, not a JSON error body.
      response.writeHead(status, { "Content-Type": "text/html" });
      response.end(`<html><body><h1>${status} Service Unavailable</h1></body></html>`);
      return;
    }
    case "drop-connection":
      record(0);
      request.socket.destroy();
      return;
    case "invalid-symbol":
      record(400);
      sendJson(response, 400, { code: -1121, msg: "Invalid symbol." });
      return;
    case "binance-error":
      record(fault.status);
      sendJson(response, fault.status, { code: fault.code, msg: fault.msg });
      return;
  }
}

interface RouteState {
  readonly candles: ReadonlyMap<string, readonly Candle[]>;
  readonly now: () => number;
}

type RouteResult = readonly [status: number, body: unknown];

function route(
  method: string,
  path: string,
  query: Record<string, string>,
  apiKey: string | undefined,
  state: RouteState,
): RouteResult {
  if (method !== "GET") return [405, { code: -1, msg: `fake Binance server: ${method} ${path} is not served` }];
  switch (path) {
    case "/api/v3/ping":
    case "/fapi/v1/ping":
    case "/dapi/v1/ping":
      return [200, {}];
    case "/api/v3/time":
    case "/fapi/v1/time":
    case "/dapi/v1/time":
      return [200, { serverTime: state.now() }];
    case "/api/v3/exchangeInfo":
      return [200, exchangeInfoFor(spotExchangeInfo, state.now(), query)];
    case "/fapi/v1/exchangeInfo":
      return [200, exchangeInfoFor(futuresExchangeInfo, state.now(), {})];
    case "/dapi/v1/exchangeInfo":
      return [200, exchangeInfoFor([], state.now(), {})];
    case "/api/v3/klines":
      return klines(query, spotExchangeInfo, 1000, state);
    case "/fapi/v1/klines":
      return klines(query, futuresExchangeInfo, 1500, state);
    // Called by CCXT's loadMarkets only when API keys are set: answer "no currencies / no margin pairs".
    case "/sapi/v1/capital/config/getall":
    case "/sapi/v1/margin/allPairs":
    case "/sapi/v1/margin/isolated/allPairs":
      if (apiKey === undefined) return [401, { code: -2014, msg: "API-key format invalid." }];
      return [200, []];
    default:
      return [404, { code: -1, msg: `fake Binance server: ${path} is not served` }];
  }
}

function klines(
  query: Record<string, string>,
  markets: readonly FakeMarket[],
  maxLimit: number,
  state: RouteState,
): RouteResult {
  const symbol = query["symbol"];
  if (symbol === undefined || symbol === "") {
    return [400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }];
  }
  if (!markets.some((market) => market.symbol === symbol)) return [400, { code: -1121, msg: "Invalid symbol." }];
  const interval = query["interval"] ?? "";
  const intervalMs = BINANCE_INTERVAL_MS[interval];
  if (intervalMs === undefined) return [400, { code: -1120, msg: "Invalid interval." }];
  const limit = query["limit"] === undefined ? 500 : Number(query["limit"]);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    return [400, { code: -1130, msg: "Data sent for parameter 'limit' is not valid." }];
  }
  const startTime = query["startTime"] === undefined ? undefined : Number(query["startTime"]);
  const endTime = query["endTime"] === undefined ? undefined : Number(query["endTime"]);
  const rows = state.candles.get(`${symbol} ${interval}`) ?? [];
  let first = 0;
  let last = rows.length; // exclusive
  if (startTime !== undefined) first = lowerBoundTime(rows, startTime);
  if (endTime !== undefined) last = lowerBoundTime(rows, endTime + 1);
  // Binance: with a start the first `limit` bars from it; without one the latest `limit` bars up to the end.
  if (startTime !== undefined) last = Math.min(last, first + limit);
  else first = Math.max(first, last - limit);
  const body: unknown[] = [];
  for (let i = first; i < last; i++) body.push(binanceKlineRow(rows[i]!, intervalMs));
  return [200, body];
}

function lowerBoundTime(rows: readonly Candle[], time: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json;charset=UTF-8" });
  response.end(text);
}
