/**
 * The simulated exchange's orders, fills and accounts in Binance's JSON, field for field as Binance sends them (spot
 * /api/v3 and USDⓈ-M /fapi), including the user-data events executionReport and ORDER_TRADE_UPDATE.
 */

import { stepDecimals } from "./sim-markets.js";
import type { SimMatchingEngine } from "./sim-matching.js";
import type { SimFill, SimOrder, SimOrderEvent } from "./sim-orders.js";

const d8 = (value: number): string => value.toFixed(8);

function spotOrderCore(order: SimOrder): Record<string, unknown> {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    price: d8(order.price),
    origQty: d8(order.quantity),
    executedQty: d8(order.executedQuantity),
    cummulativeQuoteQty: d8(order.cumulativeQuote),
    status: order.status,
    timeInForce: order.timeInForce,
    type: order.type,
    side: order.side,
  };
}

/** POST /api/v3/order answer with newOrderRespType FULL (CCXT's default for spot). */
export function spotNewOrderBody(order: SimOrder): unknown {
  return {
    ...spotOrderCore(order),
    transactTime: order.time,
    workingTime: order.time,
    origQuoteOrderQty: "0.00000000",
    fills: order.fills.map((fill) => ({
      price: d8(fill.price),
      qty: d8(fill.quantity),
      commission: d8(fill.commission),
      commissionAsset: fill.commissionAsset,
      tradeId: fill.tradeId,
    })),
    selfTradePreventionMode: "NONE",
  };
}

/** GET /api/v3/order and /api/v3/openOrders entries. */
export function spotOrderBody(order: SimOrder): unknown {
  return {
    ...spotOrderCore(order),
    stopPrice: "0.00000000",
    icebergQty: "0.00000000",
    time: order.time,
    updateTime: order.updateTime,
    isWorking: true,
    workingTime: order.time,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "NONE",
  };
}

/** DELETE /api/v3/order answer: `clientOrderId` is the cancel request's own id, as on Binance. */
export function spotCancelBody(order: SimOrder, cancelClientOrderId: string): unknown {
  return {
    ...spotOrderCore(order),
    origClientOrderId: order.clientOrderId,
    clientOrderId: cancelClientOrderId,
    transactTime: order.updateTime,
    selfTradePreventionMode: "NONE",
  };
}

/** Every /fapi/v1/order answer (new, query, cancel) and /fapi/v1/openOrders entry. */
export function futuresOrderBody(order: SimOrder, quantityStep: number): unknown {
  const decimals = stepDecimals(quantityStep);
  const average = order.executedQuantity > 0 ? order.cumulativeQuote / order.executedQuantity : 0;
  return {
    orderId: order.orderId,
    symbol: order.symbol,
    status: order.status,
    clientOrderId: order.clientOrderId,
    price: order.price.toFixed(2),
    avgPrice: average.toFixed(5),
    origQty: order.quantity.toFixed(decimals),
    executedQty: order.executedQuantity.toFixed(decimals),
    cumQty: order.executedQuantity.toFixed(decimals),
    cumQuote: order.cumulativeQuote.toFixed(5),
    timeInForce: order.timeInForce,
    type: order.type,
    reduceOnly: order.reduceOnly,
    closePosition: false,
    side: order.side,
    positionSide: "BOTH",
    stopPrice: "0.00",
    workingType: "CONTRACT_PRICE",
    priceProtect: false,
    origType: order.type,
    priceMatch: "NONE",
    selfTradePreventionMode: "NONE",
    goodTillDate: 0,
    time: order.time,
    updateTime: order.updateTime,
  };
}

export function spotTradeBody(fill: SimFill): unknown {
  return {
    symbol: fill.symbol,
    id: fill.tradeId,
    orderId: fill.orderId,
    orderListId: -1,
    price: d8(fill.price),
    qty: d8(fill.quantity),
    quoteQty: d8(fill.quoteQuantity),
    commission: d8(fill.commission),
    commissionAsset: fill.commissionAsset,
    time: fill.time,
    isBuyer: fill.side === "BUY",
    isMaker: fill.isMaker,
    isBestMatch: true,
  };
}

export function futuresTradeBody(fill: SimFill): unknown {
  return {
    buyer: fill.side === "BUY",
    commission: d8(fill.commission),
    commissionAsset: fill.commissionAsset,
    id: fill.tradeId,
    maker: fill.isMaker,
    orderId: fill.orderId,
    price: d8(fill.price),
    qty: d8(fill.quantity),
    quoteQty: d8(fill.quoteQuantity),
    realizedPnl: d8(fill.realizedPnl),
    side: fill.side,
    positionSide: "BOTH",
    symbol: fill.symbol,
    time: fill.time,
  };
}

/** GET /api/v3/account. */
export function spotAccountBody(engine: SimMatchingEngine, apiKey: string, feeRate: number, now: number): unknown {
  const balances = [...engine.spotBalances(apiKey)].map(([asset, entry]) => ({
    asset,
    free: d8(entry.free),
    locked: d8(entry.locked),
  }));
  const rate = d8(feeRate);
  return {
    makerCommission: Math.round(feeRate * 10_000),
    takerCommission: Math.round(feeRate * 10_000),
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: rate, taker: rate, buyer: "0.00000000", seller: "0.00000000" },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: now,
    accountType: "SPOT",
    balances,
    permissions: ["SPOT"],
    uid: 1,
  };
}

interface PositionFigures {
  readonly symbol: string;
  readonly amount: number;
  readonly entryPrice: number;
  readonly markPrice: number;
  readonly unrealized: number;
  readonly notional: number;
  readonly initialMargin: number;
  readonly maintMargin: number;
  readonly updateTime: number;
}

function positionFigures(engine: SimMatchingEngine, apiKey: string): PositionFigures[] {
  return [...engine.positions(apiKey)].map(([symbol, position]) => {
    const markPrice = engine.lastPrice(symbol);
    const notional = position.amount * markPrice;
    return {
      symbol,
      amount: position.amount,
      entryPrice: position.entryPrice,
      markPrice,
      unrealized: (markPrice - position.entryPrice) * position.amount,
      notional,
      initialMargin: Math.abs(notional) / engine.leverage(apiKey, symbol),
      maintMargin: Math.abs(notional) * 0.004,
      updateTime: position.updateTime,
    };
  });
}

/** GET /fapi/v3/account (and v2: the same fields CCXT reads). */
export function futuresAccountBody(engine: SimMatchingEngine, apiKey: string, now: number): unknown {
  const positions = positionFigures(engine, apiKey);
  const wallet = engine.futuresWallet(apiKey);
  const unrealized = positions.reduce((total, position) => total + position.unrealized, 0);
  const positionMargin = positions.reduce((total, position) => total + position.initialMargin, 0);
  const orderMargin = engine.openOrderMargin(apiKey);
  const maintMargin = positions.reduce((total, position) => total + position.maintMargin, 0);
  const available = engine.availableFutures(apiKey);
  const asset = {
    asset: "USDT",
    walletBalance: d8(wallet),
    unrealizedProfit: d8(unrealized),
    marginBalance: d8(wallet + unrealized),
    maintMargin: d8(maintMargin),
    initialMargin: d8(positionMargin + orderMargin),
    positionInitialMargin: d8(positionMargin),
    openOrderInitialMargin: d8(orderMargin),
    crossWalletBalance: d8(wallet),
    crossUnPnl: d8(unrealized),
    availableBalance: d8(available),
    maxWithdrawAmount: d8(Math.max(0, available)),
    updateTime: now,
  };
  return {
    totalInitialMargin: asset.initialMargin,
    totalMaintMargin: asset.maintMargin,
    totalWalletBalance: asset.walletBalance,
    totalUnrealizedProfit: asset.unrealizedProfit,
    totalMarginBalance: asset.marginBalance,
    totalPositionInitialMargin: asset.positionInitialMargin,
    totalOpenOrderInitialMargin: asset.openOrderInitialMargin,
    totalCrossWalletBalance: asset.crossWalletBalance,
    totalCrossUnPnl: asset.crossUnPnl,
    availableBalance: asset.availableBalance,
    maxWithdrawAmount: asset.maxWithdrawAmount,
    assets: [asset],
    positions: positions.map((position) => ({
      symbol: position.symbol,
      positionSide: "BOTH",
      positionAmt: String(position.amount),
      unrealizedProfit: d8(position.unrealized),
      isolatedMargin: "0",
      notional: d8(position.notional),
      isolatedWallet: "0",
      initialMargin: d8(position.initialMargin),
      maintMargin: d8(position.maintMargin),
      updateTime: position.updateTime,
    })),
  };
}

/** GET /fapi/v3/positionRisk (and v2, which adds leverage and margin type). */
export function positionRiskBody(engine: SimMatchingEngine, apiKey: string): unknown {
  return positionFigures(engine, apiKey).map((position) => ({
    symbol: position.symbol,
    positionSide: "BOTH",
    positionAmt: String(position.amount),
    entryPrice: d8(position.entryPrice),
    breakEvenPrice: d8(position.entryPrice),
    markPrice: d8(position.markPrice),
    unRealizedProfit: d8(position.unrealized),
    liquidationPrice: "0",
    isolatedMargin: "0",
    notional: d8(position.notional),
    marginAsset: "USDT",
    isolatedWallet: "0",
    initialMargin: d8(position.initialMargin),
    maintMargin: d8(position.maintMargin),
    positionInitialMargin: d8(position.initialMargin),
    openOrderInitialMargin: "0",
    leverage: String(engine.leverage(apiKey, position.symbol)),
    marginType: "cross",
    adl: 0,
    bidNotional: "0",
    askNotional: "0",
    updateTime: position.updateTime,
  }));
}

/** The spot user-data event for `event` (executionReport). */
export function executionReport(event: SimOrderEvent): Record<string, unknown> {
  const { order, fill } = event;
  return {
    e: "executionReport",
    E: event.time,
    s: order.symbol,
    c: order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: d8(order.quantity),
    p: d8(order.price),
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: event.executionType === "CANCELED" ? order.clientOrderId : "",
    x: event.executionType,
    X: order.status,
    r: "NONE",
    i: order.orderId,
    l: d8(fill?.quantity ?? 0),
    z: d8(order.executedQuantity),
    L: d8(fill?.price ?? 0),
    n: d8(fill?.commission ?? 0),
    N: fill?.commissionAsset ?? null,
    T: event.time,
    t: fill?.tradeId ?? -1,
    I: order.orderId * 2,
    w: event.executionType === "NEW",
    m: fill?.isMaker ?? false,
    M: false,
    O: order.time,
    Z: d8(order.cumulativeQuote),
    Y: d8(fill?.quoteQuantity ?? 0),
    Q: "0.00000000",
    W: order.time,
    V: "NONE",
  };
}

/** The futures user-data event for `event` (ORDER_TRADE_UPDATE). */
export function orderTradeUpdate(event: SimOrderEvent): Record<string, unknown> {
  const { order, fill } = event;
  const average = order.executedQuantity > 0 ? order.cumulativeQuote / order.executedQuantity : 0;
  return {
    e: "ORDER_TRADE_UPDATE",
    E: event.time,
    T: event.time,
    o: {
      s: order.symbol,
      c: order.clientOrderId,
      S: order.side,
      o: order.type,
      f: order.timeInForce,
      q: String(order.quantity),
      p: String(order.price),
      ap: average.toFixed(5),
      sp: "0",
      x: event.executionType,
      X: order.status,
      i: order.orderId,
      l: String(fill?.quantity ?? 0),
      z: String(order.executedQuantity),
      L: String(fill?.price ?? 0),
      N: fill?.commissionAsset ?? "USDT",
      n: d8(fill?.commission ?? 0),
      T: event.time,
      t: fill?.tradeId ?? 0,
      b: "0",
      a: "0",
      m: fill?.isMaker ?? false,
      R: order.reduceOnly,
      wt: "CONTRACT_PRICE",
      ot: order.type,
      ps: "BOTH",
      cp: false,
      rp: d8(fill?.realizedPnl ?? 0),
      pP: false,
      si: 0,
      ss: 0,
      V: "NONE",
      pm: "NONE",
      gtd: 0,
    },
  };
}
