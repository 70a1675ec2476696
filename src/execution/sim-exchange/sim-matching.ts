/**
 * The simulated exchange's accounts and matching: per API key a spot wallet (free and locked per asset) and a USDⓈ-M
 * futures wallet (one-way positions, cross margin, leverage per symbol). Market orders take from the simulated book
 * (one fill per level walked, so a large order fills partly at worse prices); limit orders that cross take likewise
 * up to their price and otherwise rest until the book reaches them, then fill whole at their price as maker.
 * Fees are `feeRate` of the traded value: spot in the asset received, futures in the margin asset.
 *
 * Assumptions, stated as freqtrade states its own: no self-trade, resting orders never move the book, a resting
 * order fills whole in the tick that reaches its price, funding is not charged, liquidation is not simulated.
 * Stricter than Binance on purpose: a client order id can be used once per account, ever, so a test notices any
 * order that is sent twice.
 */
import type { MarketTape } from "./market-tape.js";
import { bookAround, type SimBookSnapshot, takeFromBook } from "./sim-book.js";
import { filterFailure, type SimListing, type SimVenue, stepDecimals } from "./sim-markets.js";
import {
  binanceErrors,
  type SimFill,
  type SimOrder,
  type SimOrderEvent,
  type SimOrderType,
  type SimSide,
  type SimTimeInForce,
} from "./sim-orders.js";
import { applyFill, type FuturesPosition } from "./sim-positions.js";

/** Starting balances of one account. */
export interface SimAccountSeed {
  /** Spot assets, e.g. `{ USDT: 10_000 }`. */
  readonly spot?: Readonly<Record<string, number>>;
  /** Futures wallet balance in the margin asset (USDT). */
  readonly futures?: number;
}

interface Account {
  readonly spot: Map<string, { free: number; locked: number }>;
  futuresWallet: number;
  readonly positions: Map<string, FuturesPosition>;
  readonly leverage: Map<string, number>;
  readonly clientOrderIds: Set<string>;
}

export interface NewOrder {
  readonly venue: SimVenue;
  readonly apiKey: string;
  readonly symbol: string;
  readonly side: SimSide;
  readonly type: SimOrderType;
  readonly quantity: number;
  readonly price?: number;
  readonly timeInForce?: SimTimeInForce;
  readonly clientOrderId?: string;
  readonly reduceOnly?: boolean;
}

export interface OrderLookup {
  readonly orderId?: number;
  readonly clientOrderId?: string;
}

export interface SimMatchingOptions {
  readonly spot: readonly SimListing[];
  readonly futures: readonly SimListing[];
  readonly tapes: ReadonlyMap<string, MarketTape>;
  readonly accounts: Readonly<Record<string, SimAccountSeed>>;
  readonly feeRate: number;
  readonly now: () => number;
  readonly defaultLeverage?: number;
}

const round8 = (value: number): number => Math.round(value * 1e8) / 1e8;

export class SimMatchingEngine {
  private readonly accounts = new Map<string, Account>();
  private readonly orders: SimOrder[] = [];
  private readonly listeners = new Set<(event: SimOrderEvent) => void>();
  private nextOrderId = 1_000_001;
  private nextTradeId = 5_000_001;

  constructor(private readonly options: SimMatchingOptions) {
    for (const [apiKey, seed] of Object.entries(options.accounts)) {
      const spot = new Map<string, { free: number; locked: number }>();
      for (const [asset, amount] of Object.entries(seed.spot ?? {})) spot.set(asset, { free: amount, locked: 0 });
      this.accounts.set(apiKey, {
        spot,
        futuresWallet: seed.futures ?? 0,
        positions: new Map(),
        leverage: new Map(),
        clientOrderIds: new Set(),
      });
    }
  }

  /** Calls `listener` for every order event, in order; returns the unsubscribe function. */
  onEvent(listener: (event: SimOrderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every order ever accepted (all accounts, both venues), oldest first. */
  allOrders(): readonly SimOrder[] {
    return this.orders;
  }

  hasAccount(apiKey: string): boolean {
    return this.accounts.has(apiKey);
  }

  listing(venue: SimVenue, symbol: string): SimListing {
    const listing = (venue === "spot" ? this.options.spot : this.options.futures).find((entry) => entry.id === symbol);
    if (listing === undefined) throw binanceErrors.invalidSymbol();
    return listing;
  }

  lastPrice(symbol: string): number {
    return this.options.tapes.get(symbol)!.priceAt(this.options.now());
  }

  book(venue: SimVenue, symbol: string, levels = 20): SimBookSnapshot {
    const listing = this.listing(venue, symbol);
    return bookAround(this.lastPrice(symbol), { ...listing.filters, levels });
  }

  placeOrder(request: NewOrder): SimOrder {
    const account = this.account(request.apiKey);
    const listing = this.listing(request.venue, request.symbol);
    const now = this.options.now();
    const isMarket = request.type === "MARKET";
    if (!isMarket && request.price === undefined) throw binanceErrors.missing("price");
    const reference = this.lastPrice(request.symbol);
    const failure = filterFailure(listing.filters, request.quantity, isMarket ? undefined : request.price, reference);
    if (failure !== undefined) throw binanceErrors.filterFailure(failure);
    const clientOrderId = request.clientOrderId ?? `sim${this.nextOrderId}`;
    if (account.clientOrderIds.has(clientOrderId)) throw binanceErrors.duplicateOrder();
    const book = this.book(request.venue, request.symbol);
    const limit = isMarket ? undefined : request.price;
    let takes = takeFromBook(book, request.side, request.quantity, listing.filters.stepSize, limit);
    const postOnly = request.type === "LIMIT_MAKER" || request.timeInForce === "GTX";
    if (postOnly && takes.length > 0) throw binanceErrors.wouldTake();
    // Fill or kill: all of it now, or nothing (the order then expires below).
    if (request.timeInForce === "FOK" && sum(takes) < request.quantity) takes = [];
    const reserved =
      request.venue === "spot"
        ? this.reserveSpot(account, listing, request, takes)
        : this.reserveFutures(account, listing, request, takes, reference);
    const order: SimOrder = {
      orderId: this.nextOrderId++,
      clientOrderId,
      venue: request.venue,
      apiKey: request.apiKey,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      timeInForce: isMarket ? "GTC" : (request.timeInForce ?? "GTC"),
      price: request.price ?? 0,
      quantity: request.quantity,
      reduceOnly: request.reduceOnly ?? false,
      time: now,
      executedQuantity: 0,
      cumulativeQuote: 0,
      status: "NEW",
      updateTime: now,
      reserved,
      fills: [],
    };
    account.clientOrderIds.add(clientOrderId);
    this.orders.push(order);
    this.emit({ order, executionType: "NEW", time: now });
    for (const take of takes) this.fill(order, take.price, take.quantity, false);
    if (order.status === "NEW" || order.status === "PARTIALLY_FILLED") {
      if (isMarket || request.timeInForce === "IOC" || request.timeInForce === "FOK") this.close(order, "EXPIRED");
    }
    return order;
  }

  findOrder(venue: SimVenue, apiKey: string, symbol: string, lookup: OrderLookup): SimOrder {
    this.account(apiKey);
    this.listing(venue, symbol);
    const order = this.orders.find(
      (entry) =>
        entry.venue === venue &&
        entry.apiKey === apiKey &&
        entry.symbol === symbol &&
        (lookup.orderId !== undefined
          ? entry.orderId === lookup.orderId
          : entry.clientOrderId === lookup.clientOrderId),
    );
    if (order === undefined) throw binanceErrors.orderNotFound();
    return order;
  }

  cancelOrder(venue: SimVenue, apiKey: string, symbol: string, lookup: OrderLookup): SimOrder {
    let order: SimOrder;
    try {
      order = this.findOrder(venue, apiKey, symbol, lookup);
    } catch {
      throw binanceErrors.unknownOrder();
    }
    if (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED") throw binanceErrors.unknownOrder();
    this.close(order, "CANCELED");
    return order;
  }

  openOrders(venue: SimVenue, apiKey: string, symbol?: string): SimOrder[] {
    this.account(apiKey);
    if (symbol !== undefined) this.listing(venue, symbol);
    return this.orders.filter(
      (order) =>
        order.venue === venue &&
        order.apiKey === apiKey &&
        (symbol === undefined || order.symbol === symbol) &&
        (order.status === "NEW" || order.status === "PARTIALLY_FILLED"),
    );
  }

  fills(venue: SimVenue, apiKey: string, symbol: string): SimFill[] {
    this.account(apiKey);
    this.listing(venue, symbol);
    return this.orders
      .filter((order) => order.venue === venue && order.apiKey === apiKey && order.symbol === symbol)
      .flatMap((order) => order.fills)
      .sort((a, b) => a.tradeId - b.tradeId);
  }

  spotBalances(apiKey: string): ReadonlyMap<string, { free: number; locked: number }> {
    return this.account(apiKey).spot;
  }

  /**
   * A deposit (amount > 0) or withdrawal (< 0) outside trading, as a person at the exchange's website would make:
   * the spot balance of `asset`, or the futures wallet. Tests of reconciliation change the balance behind a bot's back.
   */
  transfer(apiKey: string, venue: SimVenue, asset: string, amount: number): void {
    const account = this.account(apiKey);
    if (venue === "futures") {
      account.futuresWallet = round8(account.futuresWallet + amount);
      return;
    }
    const entry = this.asset(account, asset);
    if (entry.free + amount < -1e-9) throw binanceErrors.insufficientBalance();
    entry.free = round8(entry.free + amount);
  }

  futuresWallet(apiKey: string): number {
    return this.account(apiKey).futuresWallet;
  }

  positions(apiKey: string): ReadonlyMap<string, FuturesPosition> {
    return this.account(apiKey).positions;
  }

  leverage(apiKey: string, symbol: string): number {
    return this.account(apiKey).leverage.get(symbol) ?? this.options.defaultLeverage ?? 20;
  }

  setLeverage(apiKey: string, symbol: string, leverage: number): void {
    this.listing("futures", symbol);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) {
      throw binanceErrors.badParameter("leverage");
    }
    this.account(apiKey).leverage.set(symbol, leverage);
  }

  /** Initial margin held by open futures orders of `apiKey`. */
  openOrderMargin(apiKey: string): number {
    return this.orders
      .filter((order) => order.venue === "futures" && order.apiKey === apiKey && isOpen(order))
      .reduce((total, order) => total + order.reserved, 0);
  }

  /** Fills every resting limit order the book has reached; call after the market moved. */
  matchResting(): void {
    for (const order of this.orders) {
      if (!isOpen(order) || order.type === "MARKET") continue;
      const price = this.lastPrice(order.symbol);
      const book = this.book(order.venue, order.symbol, 1);
      const reached = order.side === "BUY" ? book.asks[0]!.price <= order.price : book.bids[0]!.price >= order.price;
      if (!reached || price <= 0) continue;
      this.fill(order, order.price, round8(order.quantity - order.executedQuantity), true);
    }
  }

  private account(apiKey: string): Account {
    const account = this.accounts.get(apiKey);
    if (account === undefined) throw binanceErrors.invalidApiKey();
    return account;
  }

  private asset(account: Account, asset: string): { free: number; locked: number } {
    let entry = account.spot.get(asset);
    if (entry === undefined) {
      entry = { free: 0, locked: 0 };
      account.spot.set(asset, entry);
    }
    return entry;
  }

  /** Locks what a spot order may spend: quote for a buy (its limit value, or the book cost of a market buy), base for a sell. */
  private reserveSpot(
    account: Account,
    listing: SimListing,
    request: NewOrder,
    takes: ReturnType<typeof takeFromBook>,
  ): number {
    const asset = this.asset(account, request.side === "BUY" ? listing.spec.quote : listing.spec.base);
    let amount: number;
    if (request.side === "SELL") amount = request.quantity;
    else if (request.type === "MARKET") amount = takes.reduce((total, take) => total + take.price * take.quantity, 0);
    else amount = request.price! * request.quantity;
    amount = round8(amount);
    if (asset.free + 1e-9 < amount) throw binanceErrors.insufficientBalance();
    asset.free = round8(asset.free - amount);
    asset.locked = round8(asset.locked + amount);
    return amount;
  }

  /** Holds initial margin for the part of a futures order that opens or grows a position. */
  private reserveFutures(
    account: Account,
    listing: SimListing,
    request: NewOrder,
    takes: ReturnType<typeof takeFromBook>,
    reference: number,
  ): number {
    const position = account.positions.get(listing.id)?.amount ?? 0;
    const signed = request.side === "BUY" ? request.quantity : -request.quantity;
    const reducing = position !== 0 && Math.sign(signed) !== Math.sign(position);
    const opening = reducing ? Math.max(0, Math.abs(signed) - Math.abs(position)) : Math.abs(signed);
    if (request.reduceOnly === true && (!reducing || Math.abs(signed) > Math.abs(position) + 1e-12)) {
      throw binanceErrors.reduceOnlyRejected();
    }
    const price = request.type === "MARKET" ? (takes[takes.length - 1]?.price ?? reference) : request.price!;
    const margin = round8((opening * price) / this.leverage(request.apiKey, listing.id));
    const fee = request.quantity * price * this.options.feeRate;
    if (margin + fee > this.availableFutures(request.apiKey) + 1e-9) throw binanceErrors.marginInsufficient();
    return margin;
  }

  /** Wallet plus unrealised profit, minus the margin of positions and open orders. */
  availableFutures(apiKey: string): number {
    const account = this.account(apiKey);
    let available = account.futuresWallet - this.openOrderMargin(apiKey);
    for (const [symbol, position] of account.positions) {
      const mark = this.lastPrice(symbol);
      available += (mark - position.entryPrice) * position.amount;
      available -= (Math.abs(position.amount) * mark) / this.leverage(apiKey, symbol);
    }
    return available;
  }

  private fill(order: SimOrder, price: number, quantity: number, isMaker: boolean): void {
    if (quantity <= 0) return;
    const account = this.account(order.apiKey);
    const listing = this.listing(order.venue, order.symbol);
    const now = this.options.now();
    const quote = round8(price * quantity);
    let commission: number;
    let commissionAsset: string;
    let realizedPnl = 0;
    if (order.venue === "spot") {
      const base = this.asset(account, listing.spec.base);
      const quoteAsset = this.asset(account, listing.spec.quote);
      if (order.side === "BUY") {
        const spent = order.type === "MARKET" ? quote : round8(order.price * quantity);
        quoteAsset.locked = round8(quoteAsset.locked - spent);
        quoteAsset.free = round8(quoteAsset.free + spent - quote);
        order.reserved = round8(order.reserved - spent);
        commission = round8(quantity * this.options.feeRate);
        commissionAsset = listing.spec.base;
        base.free = round8(base.free + quantity - commission);
      } else {
        base.locked = round8(base.locked - quantity);
        order.reserved = round8(order.reserved - quantity);
        commission = round8(quote * this.options.feeRate);
        commissionAsset = listing.spec.quote;
        quoteAsset.free = round8(quoteAsset.free + quote - commission);
      }
    } else {
      commission = round8(quote * this.options.feeRate);
      commissionAsset = listing.spec.quote;
      const position = account.positions.get(order.symbol) ?? { amount: 0, entryPrice: 0, updateTime: now };
      realizedPnl = applyFill(position, order.side === "BUY" ? quantity : -quantity, price, now);
      if (position.amount === 0) account.positions.delete(order.symbol);
      else account.positions.set(order.symbol, position);
      account.futuresWallet = round8(account.futuresWallet + realizedPnl - commission);
      const share = quantity / (order.quantity - order.executedQuantity);
      order.reserved = round8(order.reserved * (1 - share));
    }
    const fill: SimFill = {
      tradeId: this.nextTradeId++,
      orderId: order.orderId,
      symbol: order.symbol,
      side: order.side,
      price,
      quantity,
      quoteQuantity: quote,
      commission,
      commissionAsset,
      time: now,
      isMaker,
      realizedPnl,
    };
    order.fills.push(fill);
    order.executedQuantity = Number(
      (order.executedQuantity + quantity).toFixed(stepDecimals(listing.filters.stepSize)),
    );
    order.cumulativeQuote = round8(order.cumulativeQuote + quote);
    order.status = order.executedQuantity >= order.quantity ? "FILLED" : "PARTIALLY_FILLED";
    order.updateTime = now;
    this.emit({ order, executionType: "TRADE", fill, time: now });
  }

  /** Ends an open order (cancel or expiry) and releases what it still holds. */
  private close(order: SimOrder, status: "CANCELED" | "EXPIRED"): void {
    const account = this.account(order.apiKey);
    if (order.venue === "spot" && order.reserved > 0) {
      const listing = this.listing("spot", order.symbol);
      const asset = this.asset(account, order.side === "BUY" ? listing.spec.quote : listing.spec.base);
      asset.locked = round8(asset.locked - order.reserved);
      asset.free = round8(asset.free + order.reserved);
    }
    order.reserved = 0;
    order.status = status;
    order.updateTime = this.options.now();
    this.emit({ order, executionType: status, time: order.updateTime });
  }

  private emit(event: SimOrderEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function isOpen(order: SimOrder): boolean {
  return order.status === "NEW" || order.status === "PARTIALLY_FILLED";
}

function sum(takes: readonly { quantity: number }[]): number {
  return takes.reduce((total, take) => total + take.quantity, 0);
}
