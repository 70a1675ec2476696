import type { Fill, PortfolioView, PositionSnapshot } from "../domain/order.js";
import type { ClosedTrade, Side } from "../domain/trade.js";

/** Default maintenance margin rate for the liquidation price (Binance's lowest USDT-M tier is 0.4 %). */
export const DEFAULT_MAINTENANCE_MARGIN = 0.005;

export interface OpenPosition {
  symbol: string;
  side: Side;
  /** Signed: > 0 long, < 0 short. */
  quantity: number;
  entryPrice: number;
  leverage: number;
  markPrice: number;
  openedAt: number;
  openedBar: number;
  // Round-trip accumulators for the ClosedTrade this position becomes.
  entryNotional: number;
  entryQuantity: number;
  exitNotional: number;
  exitQuantity: number;
  /** Price PnL booked so far by partial or full closes, against the running average entry. */
  realized: number;
  fees: number;
  funding: number;
  maxQuantity: number;
  /** The strategy or source(s) of the opening fill, carried into the trade. */
  source?: string;
}

/** Everything a restart needs to continue the account exactly where it was (closed trades live in the store). */
export interface PortfolioSnapshot {
  readonly initialCash: number;
  readonly cash: number;
  readonly feesPaid: number;
  readonly fundingPaid: number;
  readonly nextTradeId: number;
  readonly positions: readonly Readonly<OpenPosition>[];
}

/**
 * Cash-and-positions accounting shared by the simulated broker (backtest, paper) and the live reconciliation.
 * One model for spot and derivatives: cash changes only by realised PnL, fees and funding; equity is cash plus
 * unrealised PnL. For a 1× spot long this equals "cash left + coins × price", and it extends to shorts and
 * leverage without a second code path. Margin is isolated per position: notional / leverage.
 */
export class Portfolio implements PortfolioView {
  #cash: number;
  readonly #positions = new Map<string, OpenPosition>();
  readonly trades: ClosedTrade[] = [];
  #feesPaid = 0;
  #fundingPaid = 0;
  #nextTradeId = 1;

  constructor(
    readonly initialCash: number,
    readonly maintenanceMargin = DEFAULT_MAINTENANCE_MARGIN,
  ) {
    if (!(initialCash > 0)) throw new RangeError(`initial cash must be > 0, got ${initialCash}`);
    this.#cash = initialCash;
  }

  get cash(): number {
    return this.#cash;
  }

  snapshot(): PortfolioSnapshot {
    return {
      initialCash: this.initialCash,
      cash: this.#cash,
      feesPaid: this.#feesPaid,
      fundingPaid: this.#fundingPaid,
      nextTradeId: this.#nextTradeId,
      positions: [...this.#positions.values()].map((p) => ({ ...p })),
    };
  }

  /**
   * A portfolio in the state `snapshot` captured. `indexShift` moves the bar index each position opened at, when
   * the restarted series of that symbol numbers its bars from another start.
   */
  static restore(
    snapshot: PortfolioSnapshot,
    indexShift: (symbol: string) => number = () => 0,
    maintenanceMargin = DEFAULT_MAINTENANCE_MARGIN,
  ): Portfolio {
    const portfolio = new Portfolio(snapshot.initialCash, maintenanceMargin);
    portfolio.load(snapshot, indexShift);
    return portfolio;
  }

  /** Replaces this portfolio's state with `snapshot` (a restart, where others already hold this portfolio). */
  load(snapshot: PortfolioSnapshot, indexShift: (symbol: string) => number = () => 0): void {
    if (!Number.isFinite(snapshot.cash)) throw new RangeError(`portfolio snapshot: cash is ${snapshot.cash}`);
    if (snapshot.initialCash !== this.initialCash)
      throw new RangeError(
        `portfolio snapshot started with ${snapshot.initialCash} of cash, this session with ${this.initialCash}`,
      );
    const positions = new Map<string, OpenPosition>();
    for (const p of snapshot.positions) {
      if (!Number.isFinite(p.quantity) || p.quantity === 0 || !(p.entryPrice > 0))
        throw new RangeError(
          `portfolio snapshot: position ${p.symbol} is corrupt (quantity ${p.quantity} at ${p.entryPrice})`,
        );
      positions.set(p.symbol, { ...p, openedBar: p.openedBar + indexShift(p.symbol) });
    }
    this.#cash = snapshot.cash;
    this.#feesPaid = snapshot.feesPaid;
    this.#fundingPaid = snapshot.fundingPaid;
    this.#nextTradeId = snapshot.nextTradeId;
    this.#positions.clear();
    for (const [symbol, p] of positions) this.#positions.set(symbol, p);
  }

  get feesPaid(): number {
    return this.#feesPaid;
  }

  get fundingPaid(): number {
    return this.#fundingPaid;
  }

  equity(): number {
    let equity = this.#cash;
    for (const p of this.#positions.values()) equity += p.quantity * (p.markPrice - p.entryPrice);
    return equity;
  }

  /** Margin locked by open positions. */
  usedMargin(): number {
    let used = 0;
    for (const p of this.#positions.values()) used += (Math.abs(p.quantity) * p.entryPrice) / p.leverage;
    return used;
  }

  /** Equity not locked as margin: what a new position may use. */
  availableMargin(): number {
    return this.equity() - this.usedMargin();
  }

  grossExposure(): number {
    let gross = 0;
    for (const p of this.#positions.values()) gross += Math.abs(p.quantity * p.markPrice);
    return gross;
  }

  openPositionCount(): number {
    return this.#positions.size;
  }

  positionQuantity(symbol: string): number {
    return this.#positions.get(symbol)?.quantity ?? 0;
  }

  symbols(): IterableIterator<string> {
    return this.#positions.keys();
  }

  position(symbol: string): PositionSnapshot | undefined {
    const p = this.#positions.get(symbol);
    if (!p) return undefined;
    return {
      symbol,
      side: p.quantity > 0 ? "long" : "short",
      quantity: Math.abs(p.quantity),
      entryPrice: p.entryPrice,
      markPrice: p.markPrice,
      unrealizedPnl: p.quantity * (p.markPrice - p.entryPrice),
      leverage: p.leverage,
      liquidationPrice: this.liquidationPrice(symbol),
      openedAt: p.openedAt,
    };
  }

  /** Average entry price of the open position of `symbol`, 0 when flat (no allocation: the engine asks per bar). */
  entryPrice(symbol: string): number {
    return this.#positions.get(symbol)?.entryPrice ?? 0;
  }

  /** Bar index at which the current position of `symbol` was opened, or -1 when flat. */
  openedBar(symbol: string): number {
    return this.#positions.get(symbol)?.openedBar ?? -1;
  }

  /**
   * Isolated-margin liquidation price: where the loss eats the position's margin down to the maintenance margin.
   * Long: entry × (1 − 1/leverage + mmr); short: entry × (1 + 1/leverage − mmr).
   */
  liquidationPrice(symbol: string): number | undefined {
    const p = this.#positions.get(symbol);
    if (!p) return undefined;
    const mmr = this.maintenanceMargin;
    return p.quantity > 0 ? p.entryPrice * (1 - 1 / p.leverage + mmr) : p.entryPrice * (1 + 1 / p.leverage - mmr);
  }

  mark(symbol: string, price: number): void {
    const p = this.#positions.get(symbol);
    if (p !== undefined) p.markPrice = price;
  }

  /**
   * Moves cash without a trade: a difference with the venue's balance adopted at reconciliation (reconcile-cash.ts).
   * The trades no longer sum to the cash by exactly this amount, which the reconciliation record states.
   */
  adjustCash(amount: number): void {
    if (!Number.isFinite(amount)) throw new RangeError(`cash adjustment must be finite, got ${amount}`);
    this.#cash += amount;
  }

  /** Periodic funding of a perpetual: longs pay shorts when the rate is positive. */
  applyFunding(symbol: string, rate: number, markPrice: number): number {
    const p = this.#positions.get(symbol);
    if (!p) return 0;
    const payment = p.quantity * markPrice * rate;
    this.#cash -= payment;
    p.funding += payment;
    this.#fundingPaid += payment;
    return payment;
  }

  /**
   * Books a fill. Returns the trade it closed, if it brought a position back to flat (a flip closes one trade and
   * opens the next at the fill price).
   */
  applyFill(fill: Fill, barIndex: number, leverage = 1, exitReason = fill.reason): ClosedTrade | undefined {
    if (!(fill.quantity > 0) || !Number.isFinite(fill.price) || !(fill.price > 0)) {
      throw new RangeError(`invalid fill for ${fill.symbol}: quantity ${fill.quantity} at ${fill.price}`);
    }
    const signed = fill.side === "buy" ? fill.quantity : -fill.quantity;
    this.#cash -= fill.fee;
    this.#feesPaid += fill.fee;
    const p = this.#positions.get(fill.symbol);
    if (p === undefined) {
      this.#open(fill, signed, barIndex, leverage, fill.fee);
      return undefined;
    }
    if (Math.sign(signed) === Math.sign(p.quantity)) {
      const total = Math.abs(p.quantity) + fill.quantity;
      p.entryPrice = (p.entryPrice * Math.abs(p.quantity) + fill.price * fill.quantity) / total;
      p.quantity += signed;
      p.entryNotional += fill.price * fill.quantity;
      p.entryQuantity += fill.quantity;
      p.fees += fill.fee;
      p.maxQuantity = Math.max(p.maxQuantity, Math.abs(p.quantity));
      return undefined;
    }
    const closing = Math.min(Math.abs(p.quantity), fill.quantity);
    const closingFee = fill.fee * (closing / fill.quantity);
    const realized = closing * (fill.price - p.entryPrice) * Math.sign(p.quantity);
    this.#cash += realized;
    p.realized += realized;
    p.exitNotional += fill.price * closing;
    p.exitQuantity += closing;
    p.fees += closingFee;
    p.quantity += Math.sign(signed) * closing;
    // Residual dust below 1e-12 of the position is float noise from partial fills, not a position.
    if (Math.abs(p.quantity) <= 1e-12 * Math.max(1, p.maxQuantity)) {
      this.#positions.delete(fill.symbol);
      const trade = this.#closeTrade(p, fill.time, barIndex, exitReason);
      const rest = fill.quantity - closing;
      if (rest > 1e-12 * fill.quantity)
        this.#open(fill, Math.sign(signed) * rest, barIndex, leverage, fill.fee - closingFee);
      return trade;
    }
    return undefined;
  }

  #open(fill: Fill, signed: number, barIndex: number, leverage: number, fee: number): void {
    if (!(leverage >= 1)) throw new RangeError(`leverage must be >= 1, got ${leverage}`);
    const quantity = Math.abs(signed);
    this.#positions.set(fill.symbol, {
      symbol: fill.symbol,
      side: signed > 0 ? "long" : "short",
      quantity: signed,
      entryPrice: fill.price,
      leverage,
      markPrice: fill.price,
      openedAt: fill.time,
      openedBar: barIndex,
      entryNotional: fill.price * quantity,
      entryQuantity: quantity,
      exitNotional: 0,
      exitQuantity: 0,
      realized: 0,
      fees: fee,
      funding: 0,
      maxQuantity: quantity,
      ...(fill.source !== undefined ? { source: fill.source } : {}),
    });
  }

  #closeTrade(p: OpenPosition, time: number, barIndex: number, exitReason: string): ClosedTrade {
    const entryPrice = p.entryNotional / p.entryQuantity;
    const exitPrice = p.exitNotional / p.exitQuantity;
    // Exactly what the trade did to cash, so the sum of trades reconciles with the account.
    const netPnl = p.realized - p.fees - p.funding;
    const trade: ClosedTrade = {
      id: this.#nextTradeId++,
      symbol: p.symbol,
      side: p.side,
      quantity: p.maxQuantity,
      entryTime: p.openedAt,
      exitTime: time,
      entryPrice,
      exitPrice,
      fees: p.fees,
      funding: p.funding,
      netPnl,
      returnPct: netPnl / ((entryPrice * p.maxQuantity) / p.leverage),
      exitReason,
      barsHeld: barIndex - p.openedBar,
      ...(p.source !== undefined ? { source: p.source } : {}),
    };
    this.trades.push(trade);
    return trade;
  }
}
