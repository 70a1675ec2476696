import type { CandleSeries } from "../domain/candles.js";
import { floorToStep, type Instrument, roundToStep } from "../domain/instrument.js";
import type { Fill, OrderRequest, OrderSide, PositionSnapshot } from "../domain/order.js";
import { effectiveStop, exitsFor, type PositionExits, type WorkingOrder } from "./position-exits.js";
import { noSlippage, type SlippageModel } from "./slippage.js";
import type { ExitLevels, Venue, VenueListener } from "./venue.js";

/** Funding of perpetual futures: the rate charged at a funding time (longs pay when positive). */
export interface FundingSource {
  readonly intervalMs: number;
  rateAt(symbol: string, time: number): number;
}

export interface SimulatedBrokerOptions {
  slippage?: SlippageModel;
  /** Largest share of one bar's volume a single order may take (0 < x <= 1); the rest waits for later bars. */
  maxVolumeParticipation?: number;
  funding?: FundingSource;
  /** Client order ids of the orders the venue makes itself (attached exits, time exits); default `exit-…`. */
  exitOrderId?: (symbol: string, kind: "exit" | "time-exit") => string;
  /**
   * Whether a bar of `symbol` opening at `time` trades (market hours); on a bar that does not, orders and attached
   * exits are held, untouched, until one that does. Default: every bar trades.
   */
  tradableBar?: (symbol: string, time: number) => boolean;
}

/**
 * What the simulated venue reads of the account to match orders (margin, the position an order reduces). It
 * never writes it: fills go back as reports and the engine books them, so by the time this venue reads the
 * account again, the fill it just reported is in it.
 */
export interface SimulatedAccount {
  positionQuantity(symbol: string): number;
  position(symbol: string): PositionSnapshot | undefined;
  availableMargin(): number;
  liquidationPrice(symbol: string): number | undefined;
}

interface Market {
  symbol: string;
  instrument: Instrument;
  series: () => CandleSeries;
  working: WorkingOrder[];
  exits: PositionExits | undefined;
  lastFundingTime: number;
  /** Bar on which the current position opened (or flipped). */
  openedIndex: number;
}

/** The simulated venue's working orders and attached exits, so that paper trading survives a restart. */
export interface SimulatedVenueSnapshot {
  readonly markets: readonly {
    readonly symbol: string;
    readonly working: readonly WorkingOrder[];
    /** NaN levels (no stop, no target) are stored as null, which JSON keeps. */
    readonly exits: (Omit<PositionExits, "stop" | "target"> & { stop: number | null; target: number | null }) | null;
    readonly lastFundingTime: number;
    readonly openedIndex: number;
  }[];
}

/**
 * The simulated venue used by backtests and paper trading. Its assumptions, stated once (also in the README):
 * - a market order sent at a bar's close fills at the next bar's open, plus slippage, taker fee;
 * - stops (orders and attached stop-losses) fill at their price when the bar's range touches it, or at the open
 *   when the bar gaps through it, plus slippage, taker fee;
 * - limits and take-profits fill at their price (or a better open), no slippage, maker fee;
 * - a bar opening beyond the stop fills the stop at the open; otherwise one opening beyond the take-profit fills
 *   the take-profit at the open, even if it later reaches the stop; otherwise, when the range touches both, the
 *   stop-loss fills (pessimistic);
 * - an attached stop of a position opened at the open is live from that same bar; one opened intrabar (by a
 *   limit or stop entry) from the next bar, since the order of prices inside a bar is unknown;
 * - a trailing stop moves with each bar's best price only after that bar closes;
 * - a liquidation fills at the liquidation price (isolated margin), before a stop that lies beyond it;
 * - orders that would need more margin than is free are shrunk to what fits, or cancelled below the minimum size;
 * - with a participation cap, an order fills at most that share of each bar's volume; the rest waits.
 */
export class SimulatedBroker implements Venue {
  readonly #markets = new Map<string, Market>();
  readonly #slippage: SlippageModel;
  readonly #participation: number;
  readonly #funding: FundingSource | undefined;
  readonly #portfolio: SimulatedAccount;
  readonly #listener: VenueListener;
  readonly #exitOrderId: (symbol: string, kind: "exit" | "time-exit") => string;
  readonly #tradableBar: ((symbol: string, time: number) => boolean) | undefined;
  #closeSeq = 0;

  constructor(account: SimulatedAccount, listener: VenueListener, options: SimulatedBrokerOptions = {}) {
    this.#portfolio = account;
    this.#listener = listener;
    this.#exitOrderId = options.exitOrderId ?? ((symbol, kind) => `${kind}-${symbol}-${++this.#closeSeq}`);
    this.#slippage = options.slippage ?? noSlippage;
    const cap = options.maxVolumeParticipation;
    if (cap !== undefined && !(cap > 0 && cap <= 1))
      throw new RangeError(`volume participation must be in (0, 1], got ${cap}`);
    this.#participation = cap ?? 0;
    this.#funding = options.funding;
    this.#tradableBar = options.tradableBar;
  }

  /** Registers a tradable symbol; `series` returns the bars seen so far (a growing buffer when live). */
  addMarket(instrument: Instrument, series: () => CandleSeries): void {
    this.#markets.set(instrument.symbol, {
      symbol: instrument.symbol,
      instrument,
      series,
      working: [],
      exits: undefined,
      lastFundingTime: Number.NEGATIVE_INFINITY,
      openedIndex: -1,
    });
  }

  openOrders(symbol?: string): OrderRequest[] {
    const markets = symbol ? [this.#market(symbol)] : [...this.#markets.values()];
    return markets.flatMap((m) => m.working.map((w) => w.request));
  }

  /** Validates and queues an order (it can fill from the bar after `index`), and reports which it did. */
  submit(order: OrderRequest, index: number): void {
    const market = this.#markets.get(order.symbol);
    const time = market ? (market.series().time[index] as number) : Number.NaN;
    const checked = market ? this.#validate(market, order, index) : `unknown symbol ${order.symbol}`;
    if (typeof checked === "string") {
      this.#listener.report({ type: "rejected", time, order, reason: checked });
      return;
    }
    (market as Market).working.push({
      request: checked,
      remaining: checked.quantity,
      triggered: false,
      submittedIndex: index,
    });
    this.#listener.report({ type: "accepted", time, order: checked });
  }

  /** The order as the venue will work it (rounded to lot and tick), or why it refuses it. */
  #validate(market: Market, order: OrderRequest, index: number): OrderRequest | string {
    const ins = market.instrument;
    const quantity = floorToStep(order.quantity, ins.lotSize);
    if (!(quantity > 0) || !Number.isFinite(quantity)) {
      return `quantity ${order.quantity} rounds to 0 at lot size ${ins.lotSize}`;
    }
    if (quantity < ins.minQuantity) return `quantity ${quantity} is below the minimum ${ins.minQuantity}`;
    const needsLimit = order.type === "limit" || order.type === "stop-limit";
    const needsStop = order.type === "stop" || order.type === "stop-limit";
    if (needsLimit && !(order.limitPrice !== undefined && order.limitPrice > 0)) {
      return `${order.type} order needs a positive limit price`;
    }
    if (needsStop && !(order.stopPrice !== undefined && order.stopPrice > 0)) {
      return `${order.type} order needs a positive stop price`;
    }
    const held = this.#portfolio.positionQuantity(order.symbol);
    if (order.reduceOnly && (held === 0 || held > 0 === (order.side === "buy"))) {
      return "reduce-only order would not reduce a position";
    }
    const series = market.series();
    const reference = order.limitPrice ?? order.stopPrice ?? (series.close[index] as number);
    if (!order.reduceOnly && quantity * reference < ins.minNotional) {
      return `order value ${(quantity * reference).toFixed(2)} is below the minimum notional ${ins.minNotional}`;
    }
    return {
      ...order,
      quantity,
      ...(order.limitPrice !== undefined ? { limitPrice: roundToStep(order.limitPrice, ins.tickSize) } : {}),
      ...(order.stopPrice !== undefined ? { stopPrice: roundToStep(order.stopPrice, ins.tickSize) } : {}),
    };
  }

  cancel(clientOrderId: string, reason: string, time: number): boolean {
    for (const market of this.#markets.values()) {
      const at = market.working.findIndex((w) => w.request.clientOrderId === clientOrderId);
      if (at >= 0) {
        const [w] = market.working.splice(at, 1);
        this.#cancelled((w as WorkingOrder).request, reason, time);
        return true;
      }
    }
    return false;
  }

  cancelAll(reason: string, time: number, symbol?: string, keepReduceOnly = false): number {
    let count = 0;
    for (const market of this.#markets.values()) {
      if (symbol !== undefined && market.symbol !== symbol) continue;
      const cancelled = market.working.filter((w) => !(keepReduceOnly && w.request.reduceOnly));
      market.working = market.working.filter((w) => keepReduceOnly && w.request.reduceOnly);
      for (const w of cancelled) this.#cancelled(w.request, reason, time);
      count += cancelled.length;
    }
    return count;
  }

  /** The attached exit levels of the open position of `symbol` (for reports and risk). */
  exitLevels(symbol: string): ExitLevels | undefined {
    const e = this.#markets.get(symbol)?.exits;
    return e ? { stop: effectiveStop(e), target: e.target } : undefined;
  }

  /**
   * Sets or moves the stop-loss of the open position of `symbol` (position management: initial ATR stop,
   * break-even, trailing). Checked from the next bar on.
   */
  setStop(symbol: string, stop: number): void {
    const market = this.#market(symbol);
    if (market.exits) {
      market.exits.stop = stop;
      return;
    }
    const held = this.#portfolio.positionQuantity(symbol);
    if (held === 0) return;
    const opened = market.openedIndex;
    market.exits = {
      side: held > 0 ? 1 : -1,
      stop,
      target: Number.NaN,
      trailingPct: 0,
      trailingDistance: 0,
      anchor: this.#portfolio.position(symbol)?.entryPrice ?? stop,
      maxBars: 0,
      openedIndex: opened,
      activeFrom: opened,
      timeExitSent: false,
    };
  }

  /** Closes the position of `symbol` at bar `index`'s close (the end of a backtest), cancelling its orders. */
  flatten(symbol: string, index: number, reason: string): void {
    const market = this.#market(symbol);
    const s = market.series();
    const time = s.time[index] as number;
    for (const w of market.working.splice(0)) this.#cancelled(w.request, reason, time);
    const held = this.#portfolio.positionQuantity(symbol);
    if (held !== 0) this.#closePosition(market, Math.abs(held), s.close[index] as number, "taker", reason, time);
  }

  /** Matches working orders and attached exits of `symbol` against bar `index`, then marks to its close. */
  processBar(symbol: string, index: number): void {
    const market = this.#markets.get(symbol);
    if (!market) throw new Error(`unknown symbol ${symbol}`);
    const s = market.series();
    const open = s.open[index] as number;
    const high = s.high[index] as number;
    const low = s.low[index] as number;
    const time = s.time[index] as number;
    if (this.#funding) this.#applyFunding(market, time, open);
    if (this.#tradableBar && !this.#tradableBar(symbol, time)) return;
    if (market.working.length > 0) this.#fillAtOpen(market, s, index, open, time);
    if (market.exits) this.#checkExits(market, s, index, open, high, low, time);
    else if (this.#portfolio.positionQuantity(symbol) !== 0) this.#checkLiquidationOnly(market, open, high, low, time);
    if (market.working.length > 0) this.#fillIntrabar(market, s, index, open, high, low, time);
    if (market.exits) this.#endOfBar(market, index, high, low);
  }

  snapshot(): SimulatedVenueSnapshot {
    return {
      markets: [...this.#markets.values()].map((m) => ({
        symbol: m.symbol,
        working: m.working.map((w) => ({ ...w })),
        exits: m.exits
          ? {
              ...m.exits,
              stop: Number.isNaN(m.exits.stop) ? null : m.exits.stop,
              target: Number.isNaN(m.exits.target) ? null : m.exits.target,
            }
          : null,
        // JSON has no -Infinity: null stands for "never".
        lastFundingTime: Number.isFinite(m.lastFundingTime) ? m.lastFundingTime : -1,
        openedIndex: m.openedIndex,
      })),
    };
  }

  /**
   * Puts back what `snapshot` captured, for markets already added. Bar indices in it refer to the series as it
   * was; `indexShift` moves them when the restarted series of a symbol starts at another bar.
   */
  restore(snapshot: SimulatedVenueSnapshot, indexShiftOf: (symbol: string) => number = () => 0): void {
    for (const saved of snapshot.markets) {
      const market = this.#markets.get(saved.symbol);
      if (!market) throw new RangeError(`venue snapshot: ${saved.symbol} is not traded in this session`);
      const indexShift = indexShiftOf(saved.symbol);
      market.working = saved.working.map((w) => ({ ...w, submittedIndex: w.submittedIndex + indexShift }));
      market.exits = saved.exits
        ? {
            ...saved.exits,
            stop: saved.exits.stop ?? Number.NaN,
            target: saved.exits.target ?? Number.NaN,
            openedIndex: saved.exits.openedIndex + indexShift,
            activeFrom: saved.exits.activeFrom + indexShift,
          }
        : undefined;
      market.lastFundingTime = saved.lastFundingTime;
      market.openedIndex = saved.openedIndex + indexShift;
    }
  }

  #market(symbol: string): Market {
    const market = this.#markets.get(symbol);
    if (!market) throw new Error(`unknown symbol ${symbol}`);
    return market;
  }

  #applyFunding(market: Market, time: number, open: number): void {
    const funding = this.#funding as FundingSource;
    const fundingTime = Math.floor(time / funding.intervalMs) * funding.intervalMs;
    // A funding time inside this bar's open instant; with bars shorter than the interval it happens once.
    if (fundingTime === time && fundingTime > market.lastFundingTime) {
      market.lastFundingTime = fundingTime;
      if (this.#portfolio.positionQuantity(market.symbol) !== 0) {
        const rate = funding.rateAt(market.symbol, fundingTime);
        this.#listener.report({ type: "funding", time, symbol: market.symbol, rate, markPrice: open });
      }
    }
  }

  #fillAtOpen(market: Market, s: CandleSeries, index: number, open: number, time: number): void {
    for (let k = 0; k < market.working.length; k++) {
      const w = market.working[k] as WorkingOrder;
      if (w.request.type !== "market" || w.submittedIndex >= index) continue;
      const price = this.#slip(w.request.side, open, s, index, market.instrument, w.remaining);
      if (this.#execute(market, w, price, "taker", index, time, s, true)) {
        market.working.splice(k, 1);
        k--;
      }
    }
  }

  #fillIntrabar(
    market: Market,
    s: CandleSeries,
    index: number,
    open: number,
    high: number,
    low: number,
    time: number,
  ): void {
    for (let k = 0; k < market.working.length; k++) {
      const w = market.working[k] as WorkingOrder;
      if (w.submittedIndex >= index || w.request.type === "market") continue;
      const r = w.request;
      const buy = r.side === "buy";
      let price = Number.NaN;
      let liquidity: "maker" | "taker" = "maker";
      if (r.type === "limit" || (r.type === "stop-limit" && w.triggered)) {
        const limit = r.limitPrice as number;
        if (buy ? low <= limit : high >= limit) price = buy ? Math.min(open, limit) : Math.max(open, limit);
      } else {
        const stop = r.stopPrice as number;
        const hit = buy ? high >= stop : low <= stop;
        if (hit) {
          const trigger = buy ? Math.max(open, stop) : Math.min(open, stop);
          if (r.type === "stop") {
            price = this.#slip(r.side, trigger, s, index, market.instrument, w.remaining);
            liquidity = "taker";
          } else {
            w.triggered = true;
            const limit = r.limitPrice as number;
            // Triggered this bar: fills now only if the trigger price itself satisfies the limit.
            if (buy ? trigger <= limit : trigger >= limit) price = trigger;
          }
        }
      }
      if (!Number.isNaN(price) && this.#execute(market, w, price, liquidity, index, time, s, false)) {
        market.working.splice(k, 1);
        k--;
      }
    }
  }

  /** Fills as much of `w` as volume and margin allow. Returns true when the order is done (filled or cancelled). */
  #execute(
    market: Market,
    w: WorkingOrder,
    price: number,
    liquidity: "maker" | "taker",
    index: number,
    time: number,
    s: CandleSeries,
    atOpen: boolean,
  ): boolean {
    const ins = market.instrument;
    const r = w.request;
    let quantity = w.remaining;
    if (this.#participation > 0) {
      const cap = floorToStep(this.#participation * (s.volume[index] as number), ins.lotSize);
      if (cap <= 0) return false;
      quantity = Math.min(quantity, cap);
    }
    const held = this.#portfolio.positionQuantity(r.symbol);
    const signed = r.side === "buy" ? 1 : -1;
    const reducing = held !== 0 && Math.sign(held) !== signed;
    if (r.reduceOnly) {
      if (!reducing) {
        this.#cancelled(r, "reduce-only order: no position left to reduce", time);
        return true;
      }
      quantity = Math.min(quantity, Math.abs(held));
    }
    const feeRate = liquidity === "maker" ? ins.makerFee : ins.takerFee;
    const opening = reducing ? Math.max(0, quantity - Math.abs(held)) : quantity;
    if (opening > 0) {
      const leverage = r.leverage ?? 1;
      // Margin freed by the closing part of a flip counts as available for the opening part.
      const freed = reducing ? (Math.abs(held) * price) / leverage : 0;
      const available = this.#portfolio.availableMargin() + freed - quantity * price * feeRate;
      const need = (opening * price) / leverage;
      if (need > available) {
        const affordable = floorToStep(Math.max(0, available) / (price / leverage + price * feeRate), ins.lotSize);
        const closingPart = quantity - opening;
        if (affordable < ins.minQuantity || affordable * price < ins.minNotional) {
          if (closingPart > 0) quantity = closingPart;
          else {
            this.#cancelled(r, `insufficient margin: need ${need.toFixed(2)}, available ${available.toFixed(2)}`, time);
            return true;
          }
        } else quantity = closingPart + affordable;
        w.remaining = quantity;
      }
    }
    const fill: Fill = {
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      side: r.side,
      quantity,
      price,
      fee: quantity * price * feeRate,
      time,
      liquidity,
      reason: r.reason,
      source: r.source,
    };
    const before = held;
    w.remaining -= quantity;
    const done = w.remaining <= ins.lotSize * 1e-9;
    this.#listener.report({ type: "filled", time, fill, leverage: r.leverage ?? 1, remaining: done ? 0 : w.remaining });
    const after = this.#portfolio.positionQuantity(r.symbol);
    if (before !== 0 && (after === 0 || Math.sign(before) !== Math.sign(after))) {
      // The position those orders were reducing is gone: left working, they would cut the next one.
      this.#cancelReduceOnly(market, w, `position closed by ${r.reason}`, time);
    }
    if (after === 0) market.exits = undefined;
    else if (before === 0 || Math.sign(before) !== Math.sign(after)) {
      market.openedIndex = index;
      market.exits = r.attach
        ? exitsFor(r.attach, Math.sign(after) as 1 | -1, price, index, atOpen ? index : index + 1)
        : undefined;
    }
    return done;
  }

  #checkExits(
    market: Market,
    s: CandleSeries,
    index: number,
    open: number,
    high: number,
    low: number,
    time: number,
  ): void {
    const e = market.exits as PositionExits;
    // A position opened intrabar on this bar is protected from the next bar on (see class comment).
    if (index < e.activeFrom) return;
    const long = e.side === 1;
    const liquidation = this.#portfolio.liquidationPrice(market.symbol) ?? Number.NaN;
    let stop = effectiveStop(e);
    let stopReason = "stop-loss";
    if (!Number.isNaN(liquidation) && (Number.isNaN(stop) || (long ? liquidation > stop : liquidation < stop))) {
      stop = liquidation;
      stopReason = "liquidation";
    }
    const target = e.target;
    const quantity = Math.abs(this.#portfolio.positionQuantity(market.symbol));
    const exitSide: OrderSide = long ? "sell" : "buy";
    if (!Number.isNaN(stop) && (long ? open <= stop : open >= stop)) {
      const price =
        stopReason === "liquidation" ? stop : this.#slip(exitSide, open, s, index, market.instrument, quantity);
      this.#closePosition(market, quantity, price, "taker", `${stopReason} (gap through ${stop.toFixed(2)})`, time);
      return;
    }
    if (!Number.isNaN(target) && (long ? open >= target : open <= target)) {
      this.#closePosition(market, quantity, open, "maker", `take-profit (gap through ${target.toFixed(2)})`, time);
      return;
    }
    if (!Number.isNaN(stop) && (long ? low <= stop : high >= stop)) {
      const price =
        stopReason === "liquidation" ? stop : this.#slip(exitSide, stop, s, index, market.instrument, quantity);
      this.#closePosition(market, quantity, price, "taker", stopReason, time);
      return;
    }
    if (!Number.isNaN(target) && (long ? high >= target : low <= target)) {
      this.#closePosition(market, quantity, target, "maker", "take-profit", time);
    }
  }

  #checkLiquidationOnly(market: Market, open: number, high: number, low: number, time: number): void {
    const held = this.#portfolio.positionQuantity(market.symbol);
    const liquidation = this.#portfolio.liquidationPrice(market.symbol);
    if (liquidation === undefined || !(liquidation > 0)) return;
    const long = held > 0;
    if (long ? low <= liquidation : high >= liquidation) {
      const price = long ? Math.min(open, liquidation) : Math.max(open, liquidation);
      this.#closePosition(market, Math.abs(held), price, "taker", "liquidation", time);
    }
  }

  #closePosition(
    market: Market,
    quantity: number,
    price: number,
    liquidity: "maker" | "taker",
    reason: string,
    time: number,
  ): void {
    const ins = market.instrument;
    const side: OrderSide = this.#portfolio.positionQuantity(market.symbol) > 0 ? "sell" : "buy";
    const fee = quantity * price * (liquidity === "maker" ? ins.makerFee : ins.takerFee);
    const fill: Fill = {
      clientOrderId: this.#exitOrderId(market.symbol, "exit"),
      symbol: market.symbol,
      side,
      quantity,
      price,
      fee,
      time,
      liquidity,
      reason,
    };
    this.#listener.report({ type: "filled", time, fill, leverage: 1, remaining: 0 });
    market.exits = undefined;
    this.#cancelReduceOnly(market, undefined, `position closed by ${reason}`, time);
  }

  #cancelled(order: OrderRequest, reason: string, time: number): void {
    this.#listener.report({ type: "cancelled", time, order, reason });
  }

  /** Cancels the working reduce-only orders of `market`, except `keep` (the order being filled). */
  #cancelReduceOnly(market: Market, keep: WorkingOrder | undefined, reason: string, time: number): void {
    const cancelled: WorkingOrder[] = [];
    market.working = market.working.filter((w) => {
      if (w === keep || !w.request.reduceOnly) return true;
      cancelled.push(w);
      return false;
    });
    for (const w of cancelled) this.#cancelled(w.request, reason, time);
  }

  #endOfBar(market: Market, index: number, high: number, low: number): void {
    const e = market.exits as PositionExits;
    if (e.side === 1) e.anchor = Math.max(e.anchor, high);
    else e.anchor = Math.min(e.anchor, low);
    if (e.maxBars > 0 && !e.timeExitSent && index - e.openedIndex >= e.maxBars) {
      e.timeExitSent = true;
      const held = this.#portfolio.positionQuantity(market.symbol);
      const request: OrderRequest = {
        clientOrderId: this.#exitOrderId(market.symbol, "time-exit"),
        symbol: market.symbol,
        side: held > 0 ? "sell" : "buy",
        type: "market",
        quantity: Math.abs(held),
        reduceOnly: true,
        reason: `time exit after ${e.maxBars} bars`,
      };
      market.working.push({ request, remaining: Math.abs(held), triggered: false, submittedIndex: index });
      this.#listener.report({ type: "accepted", time: market.series().time[index] as number, order: request });
    }
  }

  #slip(side: OrderSide, reference: number, s: CandleSeries, index: number, ins: Instrument, quantity: number): number {
    const price = this.#slippage.price(side, reference, s, index, { symbol: ins.symbol, quantity });
    if (price === reference) return price;
    // Round against the trader, as a real book would.
    const tick = ins.tickSize;
    return side === "buy" ? Math.ceil(price / tick - 1e-9) * tick : Math.floor(price / tick + 1e-9) * tick;
  }
}
