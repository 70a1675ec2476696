/**
 * A local Alpaca on 127.0.0.1 for paper trading and tests without the internet: the Trading API v2 (clock, account,
 * assets, orders, positions) and the Market Data API v2 stock bars, in Alpaca's wire format, over simulated NYSE
 * stocks (see stock-tape.ts). CCXT's `alpaca` talks to it unchanged once its URLs point here (`pointCcxtAtAlpacaSim`),
 * as the simulated Binance does for `binance`. Market time comes from the caller (`now`), so a test injects a clock.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Exchange } from "ccxt";
import { isMarketOpen, NYSE, nextSession } from "../../data/calendar/exchange-calendar.js";
import { type AlpacaAsset, AlpacaBook, type AlpacaOrder } from "./alpaca-book.js";
import {
  AlpacaError,
  alpacaErrors,
  barBody,
  decimal,
  newYork,
  parseTime,
  parseTimeframe,
  utcMicros,
} from "./alpaca-wire.js";
import { StockTape } from "./stock-tape.js";

export const ALPACA_SIM_KEY = "alpaca-sim-key";
export const ALPACA_SIM_SECRET = "alpaca-sim-secret";

export interface AlpacaSimStock {
  readonly symbol: string;
  readonly startPrice: number;
  /** Whether fractional shares may be ordered (default false: whole shares only). */
  readonly fractionable?: boolean;
  readonly name?: string;
}

export interface AlpacaSimOptions {
  /** Default AAPL from 190 (fractionable) and SPY from 470. */
  readonly stocks?: readonly AlpacaSimStock[];
  readonly seed?: string | number;
  /** Market time (Unix ms); the caller's clock. */
  readonly now: () => number;
  /** The first generated session is the one open at or after this (default: 30 days before `now()` at start). */
  readonly startTime?: number;
  /** Trading days generated (default 120). */
  readonly days?: number;
  /** Starting cash of the account (default 100 000 USD). */
  readonly cash?: number;
  /** The keys it accepts (default ALPACA_SIM_KEY / ALPACA_SIM_SECRET); tests of secret handling use fake ones. */
  readonly keys?: { readonly key: string; readonly secret: string };
}

export interface AlpacaSim {
  readonly url: string;
  readonly book: AlpacaBook;
  /** Every request's method and path, oldest first. */
  readonly requests: readonly { method: string; path: string }[];
  close(): Promise<void>;
}

const DEFAULT_STOCKS: readonly AlpacaSimStock[] = [
  { symbol: "AAPL", startPrice: 190, fractionable: true, name: "Apple Inc. Common Stock" },
  { symbol: "SPY", startPrice: 470, fractionable: false, name: "SPDR S&P 500 ETF Trust" },
];

type Params = Record<string, string>;
type Route = (book: AlpacaBook, params: Params, body: Record<string, unknown>) => readonly [number, unknown];

export async function startAlpacaSim(options: AlpacaSimOptions): Promise<AlpacaSim> {
  const stocks = options.stocks ?? DEFAULT_STOCKS;
  if (stocks.length === 0) throw new RangeError("local Alpaca: stocks must list at least one symbol");
  const startTime = options.startTime ?? options.now() - 30 * 86_400_000;
  const tapes = new Map<string, StockTape>();
  const assets = new Map<string, AlpacaAsset>();
  for (const stock of stocks) {
    if (!/^[A-Z][A-Z.]{0,9}$/.test(stock.symbol))
      throw new RangeError(`local Alpaca: "${stock.symbol}" is not a ticker`);
    tapes.set(
      stock.symbol,
      new StockTape({
        symbol: stock.symbol,
        startPrice: stock.startPrice,
        seed: `${options.seed ?? 42}:${stock.symbol}`,
        startTime,
        days: options.days ?? 120,
      }),
    );
    assets.set(stock.symbol, {
      symbol: stock.symbol,
      name: stock.name ?? `${stock.symbol} (simulated)`,
      exchange: "NYSE",
      fractionable: stock.fractionable ?? false,
    });
  }
  const book = new AlpacaBook(tapes, assets, options.cash ?? 100_000, options.now);
  const requests: { method: string; path: string }[] = [];
  const keys = options.keys ?? { key: ALPACA_SIM_KEY, secret: ALPACA_SIM_SECRET };
  const server = createServer((request, response) => {
    readJson(request).then(
      (body) => {
        const url = new URL(request.url ?? "/", "http://127.0.0.1");
        requests.push({ method: request.method ?? "GET", path: url.pathname });
        const params: Params = Object.fromEntries(url.searchParams.entries());
        const [status, answer] = route(book, request, url.pathname, params, body, keys);
        send(response, status, answer);
      },
      () => send(response, 400, { code: 40010000, message: "request body format is invalid" }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    book,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Points every Alpaca API (trader, market data, broker) of a CCXT `alpaca` client at the local server. */
export function pointCcxtAtAlpacaSim(exchange: Exchange, url: string): void {
  const api = { broker: url, trader: url, market: url };
  const urls = exchange.urls as Record<string, unknown>;
  urls["api"] = api;
  urls["test"] = api;
}

function route(
  book: AlpacaBook,
  request: IncomingMessage,
  path: string,
  params: Params,
  body: Record<string, unknown>,
  keys: { readonly key: string; readonly secret: string },
): readonly [number, unknown] {
  const method = request.method ?? "GET";
  try {
    // Alpaca's market data needs the keys as much as trading does.
    if (request.headers["apca-api-key-id"] !== keys.key || request.headers["apca-api-secret-key"] !== keys.secret)
      throw alpacaErrors.unauthorized();
    const market = MARKET_ROUTES[`${method} ${path}`];
    if (market) return market(book, params, body);
    const single = /^\/v2\/stocks\/([A-Z.]+)\/bars$/.exec(path);
    if (method === "GET" && single) {
      const symbol = single[1] as string;
      const [status, answer] = stockBars(book, { ...params, symbols: symbol }, body);
      const all = (answer as { bars: Record<string, unknown[]>; next_page_token: string | null }).bars;
      return [status, { bars: all[symbol] ?? [], symbol, next_page_token: null }];
    }
    if (request.headers["apca-api-key-id"] !== keys.key || request.headers["apca-api-secret-key"] !== keys.secret)
      throw alpacaErrors.unauthorized();
    const trading = TRADING_ROUTES[`${method} ${path}`];
    if (trading) return trading(book, params, body);
    const orderPath = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (orderPath && method === "GET") return [200, orderBody(book.find(orderPath[1] as string))];
    if (orderPath && method === "DELETE") {
      book.cancel(orderPath[1] as string);
      return [204, undefined];
    }
    const assetPath = /^\/v2\/(assets|positions)\/([^/]+)$/.exec(path);
    if (assetPath && method === "GET") {
      const symbol = decodeURIComponent(assetPath[2] as string);
      if (assetPath[1] === "assets") {
        const asset = book.assets.get(symbol);
        if (!asset) throw alpacaErrors.assetNotFound(symbol);
        return [200, assetBody(asset)];
      }
      book.settle();
      const position = book.positions.get(symbol);
      if (!position) throw new AlpacaError(404, 40410000, "position does not exist");
      return [200, positionBody(book, symbol, position)];
    }
    return [404, { code: 40410000, message: "endpoint not found" }];
  } catch (error) {
    if (error instanceof AlpacaError) return [error.status, { code: error.code, message: error.message }];
    return [500, { code: 50010000, message: error instanceof Error ? error.message : String(error) }];
  }
}

const MARKET_ROUTES: Readonly<Record<string, Route>> = {
  "GET /v2/stocks/bars": (book, params, body) => stockBars(book, params, body),
};

const TRADING_ROUTES: Readonly<Record<string, Route>> = {
  "GET /v2/clock": (book) => {
    const now = book.now();
    const next = nextSession(NYSE, now);
    const after = next && now >= next.open ? nextSession(NYSE, next.close) : next;
    return [
      200,
      {
        timestamp: newYork(now, true),
        is_open: isMarketOpen(NYSE, now),
        next_open: after ? newYork(after.open) : null,
        next_close: next ? newYork(next.close) : null,
      },
    ];
  },
  "GET /v2/account": (book) => [200, accountBody(book)],
  "GET /v2/assets": (book, params) => {
    const assetClass = params["asset_class"] ?? "us_equity";
    const status = params["status"] ?? "active";
    // The local Alpaca lists stocks only: a crypto asset list is empty, as for an account without crypto.
    if (assetClass !== "us_equity" || status !== "active") return [200, []];
    return [200, [...book.assets.values()].map(assetBody)];
  },
  "GET /v2/positions": (book) => {
    book.settle();
    return [200, [...book.positions].map(([symbol, p]) => positionBody(book, symbol, p))];
  },
  "POST /v2/orders": (book, _params, body) => {
    const text = (name: string) => (body[name] === undefined || body[name] === null ? undefined : String(body[name]));
    const qty = Number(text("qty"));
    if (text("notional") !== undefined) throw alpacaErrors.invalid("notional orders are not supported here; send qty");
    const order = book.place({
      symbol: text("symbol") ?? "",
      side: text("side"),
      type: text("type"),
      timeInForce: text("time_in_force"),
      qty,
      limitPrice: text("limit_price") === undefined ? undefined : Number(text("limit_price")),
      clientOrderId: text("client_order_id"),
    });
    return [200, orderBody(order)];
  },
  "GET /v2/orders": (book, params) => {
    book.settle();
    const status = params["status"] ?? "open";
    const limit = Math.min(Number(params["limit"] ?? 50) || 50, 500);
    const after = parseTime("after", params["after"]);
    const until = parseTime("until", params["until"]);
    const symbols = params["symbols"]?.split(",");
    const open = (o: AlpacaOrder) => o.status === "new" || o.status === "accepted";
    let orders = book.orders.filter(
      (o) =>
        (status === "all" || (status === "open") === open(o)) &&
        (after === undefined || o.submittedAt > after) &&
        (until === undefined || o.submittedAt < until) &&
        (symbols === undefined || symbols.includes(o.symbol)),
    );
    orders = params["direction"] === "asc" ? orders.slice(0, limit) : orders.slice().reverse().slice(0, limit);
    return [200, orders.map(orderBody)];
  },
  "GET /v2/orders:by_client_order_id": (book, params) => [
    200,
    orderBody(book.findByClientId(params["client_order_id"] ?? "")),
  ],
  "DELETE /v2/orders": (book) => {
    book.settle();
    const open = book.orders.filter((o) => o.status === "new" || o.status === "accepted");
    for (const order of open) book.cancel(order.id);
    return [207, open.map((o) => ({ id: o.id, status: 200, body: orderBody(o) }))];
  },
};

/** GET /v2/stocks/bars: `{ bars: { SYMBOL: [bar…] }, next_page_token }`, oldest first unless sort=desc. */
function stockBars(book: AlpacaBook, params: Params, _body: Record<string, unknown>): readonly [number, unknown] {
  const symbols = (params["symbols"] ?? "").split(",").filter((s) => s !== "");
  if (symbols.length === 0) throw new AlpacaError(400, 40010001, "symbols is required");
  const span = parseTimeframe(params["timeframe"]);
  const now = book.now();
  const limit = params["limit"] === undefined ? 1000 : Number(params["limit"]);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw alpacaErrors.badParameter("limit", params["limit"] ?? "");
  const token = params["page_token"] ? Number(Buffer.from(params["page_token"], "base64").toString()) : undefined;
  // Alpaca: without a start, the bars of the current day (from midnight New York).
  const start = token ?? parseTime("start", params["start"]) ?? now - (now % 86_400_000);
  const end = Math.min(parseTime("end", params["end"]) ?? now, now);
  const bars: Record<string, unknown[]> = {};
  let next: number | undefined;
  let left = limit;
  for (const symbol of symbols) {
    const tape = book.tapes.get(symbol);
    if (!tape) continue;
    let rows = tape.bars(span, start, end, now);
    if (params["sort"] === "desc") rows = rows.reverse();
    if (rows.length > left) {
      next = rows[left]?.time;
      rows = rows.slice(0, left);
    }
    left -= rows.length;
    if (rows.length > 0) bars[symbol] = rows.map(barBody);
    if (left <= 0) break;
  }
  const nextToken = next === undefined ? null : Buffer.from(String(next)).toString("base64");
  return [200, { bars, next_page_token: nextToken }];
}

function accountBody(book: AlpacaBook): Record<string, unknown> {
  book.settle();
  const positions = book.positionsValue();
  const equity = book.cash + positions;
  return {
    id: "00000000-0000-4000-8000-0000000a1bac",
    account_number: "PA3SIMULATED",
    status: "ACTIVE",
    crypto_status: "INACTIVE",
    currency: "USD",
    buying_power: decimal(book.cash),
    regt_buying_power: decimal(book.cash),
    daytrading_buying_power: "0",
    non_marginable_buying_power: decimal(book.cash),
    cash: decimal(book.cash),
    accrued_fees: "0",
    portfolio_value: decimal(equity),
    pattern_day_trader: false,
    trading_blocked: false,
    transfers_blocked: false,
    account_blocked: false,
    trade_suspended_by_user: false,
    multiplier: "1",
    shorting_enabled: false,
    equity: decimal(equity),
    last_equity: decimal(equity),
    long_market_value: decimal(positions),
    short_market_value: "0",
    position_market_value: decimal(positions),
    initial_margin: "0",
    maintenance_margin: "0",
    sma: "0",
    daytrade_count: 0,
    created_at: utcMicros(0),
  };
}

function assetBody(asset: AlpacaAsset): Record<string, unknown> {
  return {
    id: `00000000-0000-4000-8000-${asset.symbol.padStart(12, "0").slice(-12)}`,
    class: "us_equity",
    exchange: asset.exchange,
    symbol: asset.symbol,
    name: asset.name,
    status: "active",
    tradable: true,
    marginable: false,
    maintenance_margin_requirement: 100,
    shortable: false,
    easy_to_borrow: false,
    fractionable: asset.fractionable,
    attributes: asset.fractionable ? ["fractional_eh_enabled"] : [],
    // Whole shares unless the asset is fractionable; no minimum notional (that is a crypto rule).
    min_order_size: asset.fractionable ? "0.000000001" : "1",
    min_trade_increment: asset.fractionable ? "0.000000001" : "1",
    price_increment: "0.01",
  };
}

function orderBody(order: AlpacaOrder): Record<string, unknown> {
  const time = (t: number | undefined) => (t === undefined ? null : utcMicros(t));
  return {
    id: order.id,
    client_order_id: order.clientOrderId,
    created_at: time(order.submittedAt),
    updated_at: time(order.updatedAt),
    submitted_at: time(order.submittedAt),
    filled_at: time(order.filledAt),
    expired_at: time(order.expiredAt),
    canceled_at: time(order.canceledAt),
    failed_at: null,
    replaced_at: null,
    replaced_by: null,
    replaces: null,
    asset_id: `00000000-0000-4000-8000-${order.symbol.padStart(12, "0").slice(-12)}`,
    symbol: order.symbol,
    asset_class: "us_equity",
    notional: null,
    qty: decimal(order.qty),
    filled_qty: order.status === "filled" ? decimal(order.qty) : "0",
    filled_avg_price: order.filledAvgPrice === undefined ? null : decimal(order.filledAvgPrice),
    order_class: "",
    order_type: order.type,
    type: order.type,
    side: order.side,
    position_intent: order.side === "buy" ? "buy_to_open" : "sell_to_close",
    time_in_force: order.timeInForce,
    limit_price: order.limitPrice === undefined ? null : decimal(order.limitPrice),
    stop_price: null,
    status: order.status,
    extended_hours: false,
    legs: null,
    trail_percent: null,
    trail_price: null,
    hwm: null,
  };
}

function positionBody(book: AlpacaBook, symbol: string, p: { qty: number; cost: number }): Record<string, unknown> {
  const price = book.price(symbol);
  const value = p.qty * price;
  return {
    asset_id: `00000000-0000-4000-8000-${symbol.padStart(12, "0").slice(-12)}`,
    symbol,
    exchange: book.assets.get(symbol)?.exchange ?? "NYSE",
    asset_class: "us_equity",
    asset_marginable: false,
    qty: decimal(p.qty),
    qty_available: decimal(p.qty),
    avg_entry_price: decimal(p.cost / p.qty),
    side: p.qty > 0 ? "long" : "short",
    market_value: decimal(value),
    cost_basis: decimal(p.cost),
    unrealized_pl: decimal(value - p.cost),
    unrealized_plpc: decimal((value - p.cost) / p.cost),
    unrealized_intraday_pl: decimal(value - p.cost),
    unrealized_intraday_plpc: decimal((value - p.cost) / p.cost),
    current_price: decimal(price),
    lastday_price: decimal(price),
    change_today: "0",
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(text);
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => {
      if (text.trim() === "") return resolve({});
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) reject(new Error("not an object"));
        else resolve(parsed as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
    request.on("error", reject);
  });
}
