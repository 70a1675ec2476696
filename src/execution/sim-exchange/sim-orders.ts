/**
 * Orders, fills and errors of the simulated exchange, as plain data. The wire formats (sim-wire.ts) render these in
 * Binance's JSON; the matching engine (sim-matching.ts) creates and updates them.
 */
import type { SimVenue } from "./sim-markets.js";

export type SimSide = "BUY" | "SELL";
export type SimOrderType = "MARKET" | "LIMIT" | "LIMIT_MAKER";
export type SimTimeInForce = "GTC" | "IOC" | "FOK" | "GTX";
export type SimOrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "REJECTED" | "EXPIRED";
export type SimExecutionType = "NEW" | "TRADE" | "CANCELED" | "REJECTED" | "EXPIRED";

export interface SimFill {
  readonly tradeId: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: SimSide;
  readonly price: number;
  readonly quantity: number;
  readonly quoteQuantity: number;
  readonly commission: number;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isMaker: boolean;
  /** Futures: profit or loss realised by this fill (0 on spot). */
  readonly realizedPnl: number;
}

export interface SimOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly venue: SimVenue;
  readonly apiKey: string;
  readonly symbol: string;
  readonly side: SimSide;
  readonly type: SimOrderType;
  readonly timeInForce: SimTimeInForce;
  /** Limit price; 0 for a market order. */
  readonly price: number;
  readonly quantity: number;
  readonly reduceOnly: boolean;
  readonly time: number;
  executedQuantity: number;
  cumulativeQuote: number;
  status: SimOrderStatus;
  updateTime: number;
  /** Spot: quote (buy) or base (sell) held for the open part of the order; futures: initial margin held. */
  reserved: number;
  readonly fills: SimFill[];
}

/** What happened to an order; the user data streams turn these into executionReport / ORDER_TRADE_UPDATE. */
export interface SimOrderEvent {
  readonly order: SimOrder;
  readonly executionType: SimExecutionType;
  readonly fill?: SimFill;
  readonly time: number;
}

/** An error the way Binance answers it: an HTTP status and a `{ code, msg }` body. */
export class SimExchangeError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.name = "SimExchangeError";
    this.status = status;
    this.code = code;
  }
}

export const binanceErrors = {
  invalidSymbol: () => new SimExchangeError(400, -1121, "Invalid symbol."),
  orderNotFound: () => new SimExchangeError(400, -2013, "Order does not exist."),
  unknownOrder: () => new SimExchangeError(400, -2011, "Unknown order sent."),
  insufficientBalance: () => new SimExchangeError(400, -2010, "Account has insufficient balance for requested action."),
  marginInsufficient: () => new SimExchangeError(400, -2019, "Margin is insufficient."),
  duplicateOrder: () => new SimExchangeError(400, -2010, "Duplicate order sent."),
  filterFailure: (message: string) => new SimExchangeError(400, -1013, message),
  reduceOnlyRejected: () => new SimExchangeError(400, -2022, "ReduceOnly Order is rejected."),
  wouldTake: () => new SimExchangeError(400, -2010, "Order would immediately match and take."),
  missing: (name: string) =>
    new SimExchangeError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  badParameter: (name: string) => new SimExchangeError(400, -1100, `Illegal characters found in parameter '${name}'.`),
  invalidApiKey: () => new SimExchangeError(401, -2015, "Invalid API-key, IP, or permissions for action."),
  missingApiKey: () => new SimExchangeError(401, -2014, "API-key format invalid."),
} as const;
