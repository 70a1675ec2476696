import type { CandleSeries } from "../../domain/candles.js";
import type { Clock } from "../../domain/clock.js";
import { floorToStep, type Instrument } from "../../domain/instrument.js";
import type { Fill, OrderRequest, OrderStatus } from "../../domain/order.js";
import type { ExitLevels, Venue, VenueListener, VenueReport } from "../venue.js";
import { type EmulatedExit, ExitEmulator } from "./exit-emulator.js";
import type { VenueReport as ClientReport, OrderIntent, VenueClient, VenueOrder } from "./venue-client.js";
import {
  AuthenticationError,
  OrderNotFoundError,
  OrderNotPlacedError,
  RateLimitError,
  UncertainOrderError,
  VenueError,
} from "./venue-errors.js";

/** An order of ours the venue may still say something about. */
export interface TrackedOrder {
  readonly order: OrderRequest;
  status: OrderStatus;
  /** Base quantity the venue reported filled (gross, before a fee taken in the base asset). */
  filled: number;
  /** Σ quantity × price of those fills, to price a fill learnt only as a new average. */
  filledValue: number;
}

/** What a restart needs: orders not yet final, the emulated exits, and spot dust the engine does not hold. */
export interface ClientVenueSnapshot {
  readonly orders: readonly TrackedOrder[];
  readonly exits: Readonly<Record<string, EmulatedExit>>;
  readonly dust: Readonly<Record<string, number>>;
  /**
   * Quote funds at the venue beyond the session's own (the rest of the account), as measured at the last
   * reconciliation; absent before the first (reconcile-cash.ts).
   */
  readonly cashOutside?: number;
}

/** What the venue side needs of the engine's account (the session's Portfolio). */
export interface VenueAccount {
  positionQuantity(symbol: string): number;
  readonly cash: number;
  position(symbol: string): { readonly quantity: number; readonly entryPrice: number } | undefined;
  adjustCash(amount: number): void;
}

/** Something an operator should know about, recorded as a session event; `alert` ones also raise an ALERT. */
export type VenueIncident = (type: string, detail: Record<string, unknown>, alert: boolean) => void;

export interface ClientVenueOptions {
  readonly client: VenueClient;
  readonly listener: VenueListener;
  readonly clock: Clock;
  /**
   * The engine's account: the emulator asks it whether a position is still open; reconciliation compares its cash
   * and positions with the venue's balances.
   */
  readonly account: VenueAccount;
  /** Ids of the orders the emulator and `flatten` make. */
  readonly exitOrderId: () => string;
  /** USDⓈ-M perpetuals: the venue's symbol of BTC/USDT is BTC/USDT:USDT, and reduce-only is sent. */
  readonly contracts?: boolean;
  /** Called once reports were booked outside a step, so that the session commits them at once. */
  readonly onBooked?: () => void;
  readonly onIncident?: VenueIncident;
  /** Wait before sending again after a rate limit without a Retry-After (default 1 s). */
  readonly backoffMs?: number;
  /** Wait before asking again about an order whose fate is uncertain (default 5 s). */
  readonly recheckMs?: number;
}

const FINAL: ReadonlySet<OrderStatus> = new Set(["filled", "cancelled", "rejected", "expired"]);
const EPS = 1e-12;

/**
 * The engine's Venue over a VenueClient (testnet, live, or the local exchange through CCXT). Orders handed over
 * during a step are only queued: the session sends them (`send`) after the step that made them is committed, so
 * every order at the venue has its intent in the store. The client's reports come back asynchronously and are
 * translated into the engine's reports, booked by the engine's one handler; fills are counted by the venue's
 * cumulative quantity, so a report heard twice (stream and reconciliation) is booked once. Attached exits are
 * emulated engine-side (ExitEmulator). Submit errors drive the order state: a refusal is a recorded rejection, a lost
 * answer is looked up later by client id and never resent, a rate limit is waited out.
 */
export class ClientVenue implements Venue {
  readonly #o: ClientVenueOptions;
  readonly #markets = new Map<string, { instrument: Instrument; series: () => CandleSeries }>();
  readonly #orders = new Map<string, TrackedOrder>();
  readonly #queue: OrderRequest[] = [];
  readonly #emulator = new ExitEmulator();
  readonly #dust = new Map<string, number>();
  /** See ClientVenueSnapshot.cashOutside. */
  cashOutside: number | undefined;
  /** Sends go out one after the other, in the order the steps made them. */
  #sending: Promise<void> = Promise.resolve();
  /** Requests waiting for the venue's answer. */
  readonly #busy = new Set<Promise<unknown>>();
  #asyncDepth = 0;
  readonly #unsubscribe: () => void;

  constructor(options: ClientVenueOptions) {
    this.#o = options;
    this.#unsubscribe = options.client.onReport((report) => this.#async(() => this.#onClientReport(report)));
  }

  /** The venue's symbol of an engine symbol. */
  venueSymbol(symbol: string): string {
    return this.#o.contracts ? `${symbol}:${symbol.split("/")[1]}` : symbol;
  }

  engineSymbol(venueSymbol: string): string {
    return venueSymbol.split(":")[0] as string;
  }

  instrument(symbol: string): Instrument | undefined {
    return this.#markets.get(symbol)?.instrument;
  }

  addMarket(instrument: Instrument, series: () => CandleSeries): void {
    this.#markets.set(instrument.symbol, { instrument, series });
  }

  submit(order: OrderRequest, _index: number): void {
    const problem = this.#validate(order);
    if (problem !== undefined) {
      this.#o.listener.report({ type: "rejected", time: this.#o.clock.now(), order, reason: problem });
      return;
    }
    this.#orders.set(order.clientOrderId, { order, status: "pending", filled: 0, filledValue: 0 });
    this.#queue.push(order);
  }

  /** The orders queued since the last call, to be sent once the step that made them is committed. */
  takeQueued(): OrderRequest[] {
    return this.#queue.splice(0);
  }

  /** Sends committed orders in order (a close before the entry that follows it); reports come back later. */
  send(orders: readonly OrderRequest[]): Promise<void> {
    if (orders.length === 0) return Promise.resolve();
    const next = this.#sending.then(async () => {
      for (const order of orders) await this.#send(order);
    });
    this.#sending = next;
    return this.#watch(next);
  }

  /** Resolves once nothing sent, cancelled or looked up is still waiting for the venue (tests, graceful stop). */
  async idle(): Promise<void> {
    while (this.#busy.size > 0) await Promise.allSettled([...this.#busy]);
  }

  cancel(clientOrderId: string, reason: string, time: number): boolean {
    const t = this.#orders.get(clientOrderId);
    if (!t || FINAL.has(t.status)) return false;
    const queued = this.#queue.findIndex((o) => o.clientOrderId === clientOrderId);
    if (queued >= 0) {
      // Never sent: nothing to ask the venue.
      this.#queue.splice(queued, 1);
      this.#deliver(t, { type: "cancelled", time, order: t.order, reason });
      return true;
    }
    void this.#watch(
      this.#o.client.cancel(clientOrderId, this.venueSymbol(t.order.symbol)).then(
        (order) => this.#async(() => this.applyVenueOrder(t, order, reason)),
        (error: unknown) => this.#incident("CANCEL_FAILED", { clientOrderId, error: String(error) }, true),
      ),
    );
    return true;
  }

  cancelAll(reason: string, time: number, symbol?: string, keepReduceOnly = false): number {
    let count = 0;
    for (const t of [...this.#orders.values()]) {
      if (symbol !== undefined && t.order.symbol !== symbol) continue;
      if (keepReduceOnly && t.order.reduceOnly) continue;
      if (this.cancel(t.order.clientOrderId, reason, time)) count++;
    }
    return count;
  }

  /** A real venue matches on its own; the emulator checks the closed bar for attached exits. */
  processBar(symbol: string, index: number): void {
    const market = this.#markets.get(symbol);
    if (!market) return;
    const trigger = this.#emulator.check(symbol, market.series(), index);
    if (trigger) {
      const id = this.#reduceAll(symbol, trigger.reason);
      if (id !== undefined) this.#emulator.sent(symbol, id);
    }
  }

  exitLevels(symbol: string): ExitLevels | undefined {
    return this.#emulator.levels(symbol);
  }

  setStop(symbol: string, stop: number): void {
    const held = this.#o.account.positionQuantity(symbol);
    if (held === 0) return;
    this.#emulator.setStop(symbol, stop, held > 0 ? 1 : -1, this.#lastIndex(symbol));
  }

  openOrders(symbol?: string): OrderRequest[] {
    return [...this.#orders.values()]
      .filter((t) => !FINAL.has(t.status) && (symbol === undefined || t.order.symbol === symbol))
      .map((t) => t.order);
  }

  /** Closes the position of `symbol` with a market order (emergency stop with --flatten). */
  flatten(symbol: string, _index: number, reason: string): void {
    this.#reduceAll(symbol, reason);
  }

  /** Orders not yet final (reconciliation asks the venue about each). */
  unanswered(): TrackedOrder[] {
    return [...this.#orders.values()].filter((t) => !FINAL.has(t.status));
  }

  knows(clientOrderId: string): boolean {
    return this.#orders.has(clientOrderId);
  }

  /** The engine's account (reconciliation compares it with the venue's balances). */
  get account(): VenueAccount {
    return this.#o.account;
  }

  /** Base quantity the venue holds for `symbol` beyond the engine's position (spot fees taken in the base asset). */
  dust(symbol: string): number {
    return this.#dust.get(symbol) ?? 0;
  }

  /** The venue never saw this order (a crash between commit and send): it is closed here, not resent. */
  markNeverSent(t: TrackedOrder, note: string): void {
    this.#deliver(t, { type: "cancelled", time: this.#o.clock.now(), order: t.order, reason: note });
  }

  /** Takes an order with our id prefix the store did not know (sent, then the record was lost) as ours. */
  adopt(order: VenueOrder): TrackedOrder {
    const request: OrderRequest = {
      clientOrderId: order.clientOrderId,
      symbol: this.engineSymbol(order.symbol),
      side: order.side,
      type: order.type === "limit" ? "limit" : "market",
      quantity: order.quantity,
      ...(order.price !== undefined ? { limitPrice: order.price } : {}),
      reason: "adopted at reconciliation",
    };
    const t: TrackedOrder = { order: request, status: "pending", filled: 0, filledValue: 0 };
    this.#orders.set(order.clientOrderId, t);
    return t;
  }

  /**
   * Brings a tracked order up to what the venue says of it now: the acknowledgement, fills not yet booked (as one
   * fill at their average price, the fee estimated at the taker rate), then its end.
   */
  applyVenueOrder(t: TrackedOrder, order: VenueOrder, reason = "reported by the venue"): void {
    const time = order.timestamp ?? this.#o.clock.now();
    if (t.status === "pending" && order.status !== "rejected")
      this.#deliver(t, { type: "accepted", time, order: t.order, venueOrderId: order.venueOrderId });
    const missed = order.filledQuantity - t.filled;
    if (missed > EPS * Math.max(1, order.filledQuantity) && order.averagePrice !== undefined) {
      const price = Math.max((order.averagePrice * order.filledQuantity - t.filledValue) / missed, Number.MIN_VALUE);
      const rate = this.instrument(t.order.symbol)?.takerFee ?? 0.001;
      const base = this.#o.contracts || t.order.side === "sell" ? undefined : this.instrument(t.order.symbol)?.base;
      this.#fill(t, {
        quantity: missed,
        price,
        fee: base === undefined ? missed * price * rate : missed * rate,
        feeAsset: base,
        cumulative: order.filledQuantity,
        final: order.status === "filled",
        time,
      });
    }
    if (order.status === "cancelled" || order.status === "expired" || order.status === "rejected") {
      if (order.status === "rejected") this.#deliver(t, { type: "rejected", time, order: t.order, reason });
      else this.#deliver(t, { type: order.status, time, order: t.order, reason });
    }
  }

  snapshot(): ClientVenueSnapshot {
    return {
      orders: this.unanswered().map((t) => ({ ...t })),
      exits: this.#emulator.snapshot(),
      dust: Object.fromEntries(this.#dust),
      ...(this.cashOutside !== undefined ? { cashOutside: this.cashOutside } : {}),
    };
  }

  restore(snapshot: ClientVenueSnapshot, shift: (symbol: string) => number = () => 0): void {
    for (const t of snapshot.orders) this.#orders.set(t.order.clientOrderId, { ...t });
    this.#emulator.restore(snapshot.exits, shift);
    for (const [symbol, dust] of Object.entries(snapshot.dust)) this.#dust.set(symbol, dust);
    if (snapshot.cashOutside !== undefined) this.cashOutside = snapshot.cashOutside;
  }

  close(): void {
    this.#unsubscribe();
  }

  #validate(order: OrderRequest): string | undefined {
    const market = this.#markets.get(order.symbol);
    if (!market) return `unknown symbol ${order.symbol}`;
    if (order.type !== "market" && order.type !== "limit")
      return `${order.type} orders are not sent to this venue (exits are emulated)`;
    if (!(floorToStep(order.quantity, market.instrument.lotSize) > 0))
      return `quantity ${order.quantity} is below one lot (${market.instrument.lotSize})`;
    return undefined;
  }

  #intent(order: OrderRequest): OrderIntent {
    const lot = this.#markets.get(order.symbol)?.instrument.lotSize ?? 0;
    return {
      clientOrderId: order.clientOrderId,
      symbol: this.venueSymbol(order.symbol),
      side: order.side,
      type: order.type === "limit" ? "limit" : "market",
      quantity: floorToStep(order.quantity, lot),
      ...(order.type === "limit" && order.limitPrice !== undefined ? { price: order.limitPrice } : {}),
      ...(order.type === "limit" ? { timeInForce: "GTC" as const } : {}),
      ...(this.#o.contracts && order.reduceOnly ? { reduceOnly: true } : {}),
    };
  }

  async #send(order: OrderRequest): Promise<void> {
    const t = this.#orders.get(order.clientOrderId);
    if (t?.status !== "pending") return; // cancelled before it went out
    try {
      const ack = await this.#o.client.submit(this.#intent(order));
      this.#async(() => this.applyVenueOrder(t, ack.order));
    } catch (error) {
      this.#async(() => this.#onSubmitError(t, error));
    }
  }

  #onSubmitError(t: TrackedOrder, error: unknown): void {
    const id = t.order.clientOrderId;
    const time = this.#o.clock.now();
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RateLimitError) {
      // Refused before the venue looked at it: the same order goes again after the venue's wait.
      const wait = error.retryAfterMs ?? this.#o.backoffMs ?? 1_000;
      this.#incident("VENUE_RATE_LIMITED", { clientOrderId: id, waitMs: wait }, false);
      this.#later(wait, () => this.send([t.order]));
      return;
    }
    if (error instanceof UncertainOrderError || !(error instanceof VenueError)) {
      // The order may exist: never resend; ask by client id until the venue answers.
      this.#incident("ORDER_UNCERTAIN", { clientOrderId: id, error: message }, true);
      this.#later(this.#o.recheckMs ?? 5_000, () => this.#recheck(t));
      return;
    }
    const reason =
      error instanceof OrderNotPlacedError ? `not placed: the venue never received it (${message})` : message;
    if (error instanceof AuthenticationError) this.#incident("VENUE_AUTHENTICATION", { error: message }, true);
    this.#deliver(t, { type: "rejected", time, order: t.order, reason });
  }

  #recheck(t: TrackedOrder): Promise<void> {
    if (t.status !== "pending") return Promise.resolve(); // answered meanwhile (the stream)
    const lookup = this.#o.client.fetchOrderByClientId(t.order.clientOrderId, this.venueSymbol(t.order.symbol)).then(
      (order) => this.#async(() => this.applyVenueOrder(t, order)),
      (error: unknown) => {
        if (error instanceof OrderNotFoundError) {
          this.#async(() => this.markNeverSent(t, "not placed: the venue does not know the client order id"));
          return;
        }
        this.#later(this.#o.recheckMs ?? 5_000, () => this.#recheck(t));
      },
    );
    return this.#watch(lookup);
  }

  #onClientReport(r: ClientReport): void {
    const t = this.#orders.get(r.clientOrderId);
    if (!t) return; // not ours, or already final: reconciliation at start deals with strangers
    const time = r.timestamp;
    switch (r.kind) {
      case "acknowledged":
        if (t.status === "pending")
          this.#deliver(t, { type: "accepted", time, order: t.order, venueOrderId: r.venueOrderId });
        return;
      case "partially-filled":
      case "filled": {
        if (r.cumulativeQuantity <= t.filled + EPS * Math.max(1, r.cumulativeQuantity)) return; // heard already
        if (t.status === "pending")
          this.#deliver(t, { type: "accepted", time, order: t.order, venueOrderId: r.venueOrderId });
        const quantity = r.cumulativeQuantity - t.filled;
        this.#fill(t, {
          quantity,
          price: r.price,
          fee: r.fee * (quantity / r.quantity),
          feeAsset: r.feeAsset,
          cumulative: r.cumulativeQuantity,
          final: r.kind === "filled",
          time,
          tradeId: r.tradeId,
        });
        return;
      }
      case "cancelled":
      case "expired":
        this.#deliver(t, { type: r.kind, time, order: t.order, reason: `${r.kind} by the venue` });
        return;
      case "rejected":
        this.#deliver(t, { type: "rejected", time, order: t.order, reason: r.reason });
        return;
    }
  }

  /** Books one fill; a spot buy whose fee was taken in the base asset holds the net quantity, down to a lot. */
  #fill(
    t: TrackedOrder,
    f: {
      quantity: number;
      price: number;
      fee: number;
      feeAsset: string | undefined;
      cumulative: number;
      final: boolean;
      time: number;
      tradeId?: string;
    },
  ): void {
    const symbol = t.order.symbol;
    const instrument = this.instrument(symbol);
    t.filled = f.cumulative;
    t.filledValue += f.quantity * f.price;
    let quantity = f.quantity;
    let fee = f.fee * f.price;
    if (instrument === undefined || f.feeAsset !== instrument.base) fee = f.fee;
    else if (t.order.side === "buy") {
      const net = floorToStep(f.quantity - f.fee, instrument.lotSize);
      if (net > 0) {
        // What the venue keeps beyond a whole lot is dust the engine does not hold (reconciliation knows it).
        this.#dust.set(symbol, this.dust(symbol) + (f.quantity - f.fee - net));
        quantity = net;
        fee = (f.quantity - net) * f.price;
      }
    }
    const fill: Fill = {
      clientOrderId: t.order.clientOrderId,
      symbol,
      side: t.order.side,
      quantity,
      price: f.price,
      fee,
      time: f.time,
      liquidity: t.order.type === "limit" ? "maker" : "taker",
      reason: t.order.reason,
    };
    const remaining = f.final ? 0 : Math.max(t.order.quantity - f.cumulative, Number.EPSILON);
    this.#deliver(t, {
      type: "filled",
      time: f.time,
      fill,
      leverage: t.order.leverage ?? 1,
      remaining,
      ...(f.tradeId !== undefined ? { tradeId: f.tradeId } : {}),
    });
  }

  /** Hands a report to the engine's handler and keeps the order and the emulator in step with it. */
  #deliver(t: TrackedOrder, report: Exclude<VenueReport, { type: "funding" }>): void {
    if (FINAL.has(t.status)) return;
    const symbol = t.order.symbol;
    if (report.type === "filled") t.status = report.remaining > 0 ? "partially-filled" : "filled";
    else if (report.type === "accepted") t.status = "accepted";
    else t.status = report.type;
    if (FINAL.has(t.status)) this.#orders.delete(t.order.clientOrderId);
    this.#o.listener.report(report);
    const held = this.#o.account.positionQuantity(symbol);
    if (report.type === "filled") {
      if (held === 0) this.#emulator.disarm(symbol);
      else if (t.order.attach && !t.order.reduceOnly && !this.#emulator.has(symbol))
        this.#emulator.arm(symbol, t.order.attach, held > 0 ? 1 : -1, report.fill.price, this.#lastIndex(symbol));
    } else if (report.type !== "accepted" && held !== 0) {
      this.#emulator.rearm(t.order.clientOrderId);
    }
  }

  #reduceAll(symbol: string, reason: string): string | undefined {
    const held = this.#o.account.positionQuantity(symbol);
    if (held === 0) return undefined;
    const order: OrderRequest = {
      clientOrderId: this.#o.exitOrderId(),
      symbol,
      side: held > 0 ? "sell" : "buy",
      type: "market",
      quantity: Math.abs(held),
      reduceOnly: true,
      reason,
    };
    this.submit(order, this.#lastIndex(symbol));
    return this.#orders.has(order.clientOrderId) ? order.clientOrderId : undefined;
  }

  #lastIndex(symbol: string): number {
    const series = this.#markets.get(symbol)?.series();
    return series ? series.length - 1 : -1;
  }

  /** Runs `book` (reports arriving on their own), then lets the session commit what it booked. */
  #async(book: () => void): void {
    this.#asyncDepth++;
    try {
      book();
    } finally {
      this.#asyncDepth--;
    }
    if (this.#asyncDepth === 0) this.#o.onBooked?.();
  }

  /** Runs `run` after `ms` of the clock (a manual clock in tests: nothing waits for real). */
  #later(ms: number, run: () => Promise<void>): void {
    this.#o.clock.setTimer(ms, () => void run());
  }

  #watch<T>(request: Promise<T>): Promise<T> {
    this.#busy.add(request);
    void request.then(
      () => this.#busy.delete(request),
      () => this.#busy.delete(request),
    );
    return request;
  }

  #incident(type: string, detail: Record<string, unknown>, alert: boolean): void {
    this.#o.onIncident?.(type, detail, alert);
  }
}
