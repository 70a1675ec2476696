/**
 * The REST routes of the simulated exchange: Binance spot (/api/v3) and USDⓈ-M futures (/fapi), public market data
 * and the signed account and order endpoints CCXT's `binance` and `binanceusdm` call. Signatures are not checked
 * (any signature passes), but every private endpoint needs a known X-MBX-APIKEY, as on Binance.
 */
import { BINANCE_INTERVAL_MS, binanceKlineRow } from "../../data/exchange/binance-wire.js";
import type { MarketTape } from "./market-tape.js";
import { exchangeInfoBody, type SimListing, type SimVenue } from "./sim-markets.js";
import type { SimMatchingEngine } from "./sim-matching.js";
import { binanceErrors, type SimOrderType, type SimSide, type SimTimeInForce } from "./sim-orders.js";
import { aggTradeRow, recentTradeRow, tradesBetween } from "./sim-trades.js";
import {
  futuresAccountBody,
  futuresOrderBody,
  futuresTradeBody,
  positionRiskBody,
  spotAccountBody,
  spotCancelBody,
  spotNewOrderBody,
  spotOrderBody,
  spotTradeBody,
} from "./sim-wire.js";

export interface RestContext {
  readonly engine: SimMatchingEngine;
  readonly tapes: ReadonlyMap<string, MarketTape>;
  readonly spot: readonly SimListing[];
  readonly futures: readonly SimListing[];
  readonly feeRate: number;
  readonly now: () => number;
  /** Issues a listen key for `apiKey`'s user data stream on `venue`. */
  readonly listenKey: (apiKey: string, venue: SimVenue) => string;
}

export type RestResult = readonly [status: number, body: unknown];

type Params = Readonly<Record<string, string>>;

const PUBLIC_ROUTES: Readonly<Record<string, (context: RestContext, params: Params) => unknown>> = {
  "GET /api/v3/ping": () => ({}),
  "GET /fapi/v1/ping": () => ({}),
  "GET /api/v3/time": (context) => ({ serverTime: context.now() }),
  "GET /fapi/v1/time": (context) => ({ serverTime: context.now() }),
  "GET /api/v3/exchangeInfo": (context) => exchangeInfoBody(context.spot, context.now()),
  "GET /fapi/v1/exchangeInfo": (context) => exchangeInfoBody(context.futures, context.now()),
  // CCXT's `binance` loads coin-margined markets too: the simulated exchange lists none.
  "GET /dapi/v1/exchangeInfo": (context) => exchangeInfoBody([], context.now()),
  "GET /api/v3/klines": (context, params) => klines(context, "spot", params, 1000),
  "GET /fapi/v1/klines": (context, params) => klines(context, "futures", params, 1500),
  "GET /api/v3/depth": (context, params) => depth(context, "spot", params),
  "GET /fapi/v1/depth": (context, params) => depth(context, "futures", params),
  "GET /api/v3/aggTrades": (context, params) => aggTrades(context, "spot", params),
  "GET /fapi/v1/aggTrades": (context, params) => aggTrades(context, "futures", params),
  "GET /api/v3/trades": (context, params) => recentTrades(context, "spot", params),
  "GET /fapi/v1/trades": (context, params) => recentTrades(context, "futures", params),
  "GET /api/v3/ticker/24hr": (context, params) => ticker(context, "spot", params),
  "GET /fapi/v1/ticker/24hr": (context, params) => ticker(context, "futures", params),
  "GET /fapi/v1/premiumIndex": (context, params) => premiumIndex(context, params),
};

const PRIVATE_ROUTES: Readonly<Record<string, (context: RestContext, params: Params, apiKey: string) => unknown>> = {
  "POST /api/v3/order": (context, params, apiKey) => spotNewOrderBody(newOrder(context, "spot", params, apiKey)),
  "GET /api/v3/order": (context, params, apiKey) =>
    spotOrderBody(context.engine.findOrder("spot", apiKey, symbolOf(params), lookup(params))),
  "DELETE /api/v3/order": (context, params, apiKey) =>
    spotCancelBody(
      context.engine.cancelOrder("spot", apiKey, symbolOf(params), lookup(params)),
      params["newClientOrderId"] ?? `cancel${context.now()}`,
    ),
  "GET /api/v3/openOrders": (context, params, apiKey) =>
    context.engine.openOrders("spot", apiKey, params["symbol"]).map(spotOrderBody),
  "GET /api/v3/account": (context, _params, apiKey) =>
    spotAccountBody(context.engine, apiKey, context.feeRate, context.now()),
  "GET /api/v3/myTrades": (context, params, apiKey) =>
    context.engine.fills("spot", apiKey, symbolOf(params)).map(spotTradeBody),
  "POST /api/v3/userDataStream": (context, _params, apiKey) => ({ listenKey: context.listenKey(apiKey, "spot") }),
  "PUT /api/v3/userDataStream": () => ({}),
  "DELETE /api/v3/userDataStream": () => ({}),
  "POST /fapi/v1/order": (context, params, apiKey) =>
    futuresOrderBody(newOrder(context, "futures", params, apiKey), stepOf(context, params)),
  "GET /fapi/v1/order": (context, params, apiKey) =>
    futuresOrderBody(
      context.engine.findOrder("futures", apiKey, symbolOf(params), lookup(params)),
      stepOf(context, params),
    ),
  "DELETE /fapi/v1/order": (context, params, apiKey) =>
    futuresOrderBody(
      context.engine.cancelOrder("futures", apiKey, symbolOf(params), lookup(params)),
      stepOf(context, params),
    ),
  "GET /fapi/v1/openOrders": (context, params, apiKey) =>
    context.engine
      .openOrders("futures", apiKey, params["symbol"])
      .map((order) => futuresOrderBody(order, context.engine.listing("futures", order.symbol).filters.stepSize)),
  "GET /fapi/v2/account": (context, _params, apiKey) => futuresAccountBody(context.engine, apiKey, context.now()),
  "GET /fapi/v3/account": (context, _params, apiKey) => futuresAccountBody(context.engine, apiKey, context.now()),
  "GET /fapi/v2/positionRisk": (context, _params, apiKey) => positionRiskBody(context.engine, apiKey),
  "GET /fapi/v3/positionRisk": (context, _params, apiKey) => positionRiskBody(context.engine, apiKey),
  "GET /fapi/v1/userTrades": (context, params, apiKey) =>
    context.engine.fills("futures", apiKey, symbolOf(params)).map(futuresTradeBody),
  "POST /fapi/v1/leverage": (context, params, apiKey) => {
    const symbol = symbolOf(params);
    context.engine.setLeverage(apiKey, symbol, Number(params["leverage"]));
    return { leverage: Number(params["leverage"]), maxNotionalValue: "1000000", symbol };
  },
  "GET /fapi/v1/leverageBracket": (context) =>
    context.futures.map((listing) => ({
      symbol: listing.id,
      notionalCoef: 1,
      brackets: [
        { bracket: 1, initialLeverage: 125, notionalCap: 50_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 },
      ],
    })),
  "POST /fapi/v1/listenKey": (context, _params, apiKey) => ({ listenKey: context.listenKey(apiKey, "futures") }),
  "PUT /fapi/v1/listenKey": () => ({}),
  "DELETE /fapi/v1/listenKey": () => ({}),
  // Called by CCXT's loadMarkets only when API keys are set: "no currencies, no margin pairs".
  "GET /sapi/v1/capital/config/getall": () => [],
  "GET /sapi/v1/margin/allPairs": () => [],
  "GET /sapi/v1/margin/isolated/allPairs": () => [],
};

/** Answers one request; Binance errors thrown by the engine become their `{ code, msg }` bodies. */
export function routeRest(
  context: RestContext,
  method: string,
  path: string,
  params: Params,
  apiKey: string | undefined,
): RestResult {
  const key = `${method} ${path}`;
  try {
    const publicRoute = PUBLIC_ROUTES[key];
    if (publicRoute !== undefined) return [200, publicRoute(context, params)];
    const privateRoute = PRIVATE_ROUTES[key];
    if (privateRoute === undefined) return [404, { code: -1, msg: `simulated exchange: ${key} is not served` }];
    if (apiKey === undefined || apiKey === "") throw binanceErrors.missingApiKey();
    if (!context.engine.hasAccount(apiKey)) throw binanceErrors.invalidApiKey();
    return [200, privateRoute(context, params, apiKey)];
  } catch (error) {
    if (error instanceof Error && "code" in error && "status" in error) {
      const { status, code, message } = error as Error & { status: number; code: number };
      return [status, { code, msg: message }];
    }
    throw error;
  }
}

function symbolOf(params: Params): string {
  const symbol = params["symbol"];
  if (symbol === undefined || symbol === "") throw binanceErrors.missing("symbol");
  return symbol;
}

function stepOf(context: RestContext, params: Params): number {
  return context.engine.listing("futures", symbolOf(params)).filters.stepSize;
}

function lookup(params: Params): { orderId?: number; clientOrderId?: string } {
  if (params["orderId"] !== undefined) return { orderId: Number(params["orderId"]) };
  const clientOrderId = params["origClientOrderId"];
  if (clientOrderId === undefined) throw binanceErrors.missing("orderId");
  return { clientOrderId };
}

function positiveNumber(params: Params, name: string): number {
  const text = params[name];
  if (text === undefined || text === "") throw binanceErrors.missing(name);
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw binanceErrors.badParameter(name);
  return value;
}

function newOrder(context: RestContext, venue: SimVenue, params: Params, apiKey: string) {
  const symbol = symbolOf(params);
  context.engine.listing(venue, symbol);
  const side = params["side"];
  if (side !== "BUY" && side !== "SELL") throw binanceErrors.missing("side");
  const type = params["type"];
  if (type !== "MARKET" && type !== "LIMIT" && type !== "LIMIT_MAKER") throw binanceErrors.missing("type");
  const timeInForce = params["timeInForce"];
  return context.engine.placeOrder({
    venue,
    apiKey,
    symbol,
    side: side as SimSide,
    type: type as SimOrderType,
    quantity: positiveNumber(params, "quantity"),
    ...(type === "MARKET" ? {} : { price: positiveNumber(params, "price") }),
    ...(timeInForce === undefined ? {} : { timeInForce: timeInForce as SimTimeInForce }),
    ...(params["newClientOrderId"] === undefined ? {} : { clientOrderId: params["newClientOrderId"] }),
    reduceOnly: params["reduceOnly"] === "true",
  });
}

function tapeOf(context: RestContext, venue: SimVenue, params: Params): MarketTape {
  const symbol = symbolOf(params);
  context.engine.listing(venue, symbol);
  return context.tapes.get(symbol)!;
}

function klines(context: RestContext, venue: SimVenue, params: Params, maxLimit: number): unknown {
  const tape = tapeOf(context, venue, params);
  const interval = params["interval"] ?? "";
  const intervalMs = BINANCE_INTERVAL_MS[interval];
  if (intervalMs === undefined || intervalMs < 60_000) throw binanceErrors.badParameter("interval");
  const limit = params["limit"] === undefined ? 500 : Number(params["limit"]);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw binanceErrors.badParameter("limit");
  const now = context.now();
  const end = params["endTime"] === undefined ? now : Number(params["endTime"]);
  // Binance: from startTime the first `limit` bars; without one the latest `limit` bars up to endTime.
  const start = params["startTime"] === undefined ? end - (limit - 1) * intervalMs : Number(params["startTime"]);
  const rows = tape.candles(intervalMs, now, start, end);
  const chosen = params["startTime"] === undefined ? rows.slice(-limit) : rows.slice(0, limit);
  return chosen.map((candle) => binanceKlineRow(candle, intervalMs));
}

/** Each book answer gets a fresh update id so that CCXT's diff-depth bookkeeping sees time move forward. */
function depth(context: RestContext, venue: SimVenue, params: Params): unknown {
  const symbol = symbolOf(params);
  const limit = params["limit"] === undefined ? 100 : Number(params["limit"]);
  const book = context.engine.book(venue, symbol, Math.min(Math.max(limit, 1), 20));
  const now = context.now();
  return {
    lastUpdateId: bookUpdateId(now),
    ...(venue === "futures" ? { E: now, T: now } : {}),
    bids: book.bids.map((level) => [String(level.price), String(level.quantity)]),
    asks: book.asks.map((level) => [String(level.price), String(level.quantity)]),
  };
}

/**
 * Binance's aggregate trades: from `fromId`, or within [startTime, endTime] (at most an hour apart), else the latest
 * `limit` (default 500, at most 1000). One simulated trade per second, so an id is a second since the epoch.
 */
function aggTrades(context: RestContext, venue: SimVenue, params: Params): unknown {
  const tape = tapeOf(context, venue, params);
  const step = context.engine.listing(venue, symbolOf(params)).filters.stepSize;
  const limit = params["limit"] === undefined ? 500 : Number(params["limit"]);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw binanceErrors.badParameter("limit");
  const now = context.now();
  const start = params["startTime"] === undefined ? undefined : Number(params["startTime"]);
  const end = params["endTime"] === undefined ? undefined : Number(params["endTime"]);
  if (start !== undefined && !Number.isFinite(start)) throw binanceErrors.badParameter("startTime");
  if (end !== undefined && !Number.isFinite(end)) throw binanceErrors.badParameter("endTime");
  if (start !== undefined && end !== undefined && end - start > 3_600_000) throw binanceErrors.badParameter("endTime");
  let rows: ReturnType<typeof tradesBetween>;
  if (params["fromId"] !== undefined) {
    const from = Number(params["fromId"]) * 1000;
    if (!Number.isFinite(from)) throw binanceErrors.badParameter("fromId");
    rows = tradesBetween(tape, from, Math.min(now, from + (limit - 1) * 1000), step, limit);
  } else if (start !== undefined || end !== undefined) {
    const from = start ?? (end as number) - 3_600_000;
    // Binance: from the start, the first `limit` trades up to the end.
    const to = Math.min(now, end ?? from + 3_600_000, from + (limit - 1) * 1000 + 999);
    rows = tradesBetween(tape, from, to, step, limit);
  } else rows = tradesBetween(tape, now - limit * 1000, now, step, limit);
  return rows.map((trade) => aggTradeRow(trade, venue));
}

/** Binance's recent trades list: the latest `limit` (default 500, at most 1000). */
function recentTrades(context: RestContext, venue: SimVenue, params: Params): unknown {
  const tape = tapeOf(context, venue, params);
  const step = context.engine.listing(venue, symbolOf(params)).filters.stepSize;
  const limit = params["limit"] === undefined ? 500 : Number(params["limit"]);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw binanceErrors.badParameter("limit");
  const now = context.now();
  return tradesBetween(tape, now - limit * 1000, now, step, limit).map((trade) => recentTradeRow(trade, venue));
}

/** The book's update id at `time`: the book changes at most once per market millisecond. */
export function bookUpdateId(time: number): number {
  return Math.floor(time);
}

function ticker(context: RestContext, venue: SimVenue, params: Params): unknown {
  const tape = tapeOf(context, venue, params);
  const now = context.now();
  const day = tape.candles(60_000, now, now - 86_400_000, now);
  const first = day[0]!;
  const last = day[day.length - 1]!;
  const book = context.engine.book(venue, symbolOf(params), 1);
  const high = Math.max(...day.map((candle) => candle.high));
  const low = Math.min(...day.map((candle) => candle.low));
  const volume = day.reduce((total, candle) => total + candle.volume, 0);
  return {
    symbol: symbolOf(params),
    priceChange: String(last.close - first.open),
    priceChangePercent: (((last.close - first.open) / first.open) * 100).toFixed(3),
    weightedAvgPrice: String(last.close),
    prevClosePrice: String(first.open),
    lastPrice: String(last.close),
    lastQty: "0.001",
    bidPrice: String(book.bids[0]!.price),
    bidQty: String(book.bids[0]!.quantity),
    askPrice: String(book.asks[0]!.price),
    askQty: String(book.asks[0]!.quantity),
    openPrice: String(first.open),
    highPrice: String(high),
    lowPrice: String(low),
    volume: volume.toFixed(8),
    quoteVolume: (volume * last.close).toFixed(8),
    openTime: first.time,
    closeTime: now,
    firstId: 1,
    lastId: day.length,
    count: day.length,
  };
}

function premiumIndex(context: RestContext, params: Params): unknown {
  const now = context.now();
  const render = (listing: SimListing) => {
    const price = String(context.engine.lastPrice(listing.id));
    return {
      symbol: listing.id,
      markPrice: price,
      indexPrice: price,
      estimatedSettlePrice: price,
      lastFundingRate: "0.00010000",
      interestRate: "0.00010000",
      nextFundingTime: Math.ceil((now + 1) / 28_800_000) * 28_800_000,
      time: now,
    };
  };
  if (params["symbol"] === undefined) return context.futures.map(render);
  return render(context.engine.listing("futures", symbolOf(params)));
}
