import type { Fill, OrderRequest } from "../domain/order.js";
import type { ClosedTrade } from "../domain/trade.js";
import type { SignalSource } from "../strategy/signal-source.js";

/** Something that learns from outcomes: an online learner, an allocator, a source with a model to update. */
export interface TradeLearner {
  onFill?(fill: Fill): void;
  onTradeClosed?(trade: ClosedTrade): void;
}

/**
 * Carries the source of each order into its fills and the trade it opens, and hands fills and closed trades to
 * whoever learns from them. Fills of orders the engine did not send itself (an attached stop, a liquidation, the
 * end of a backtest) are attributed to the source of the position they touch. A learner that throws is reported
 * and skipped: it never stops the engine.
 */
export class Attribution {
  readonly #orders = new Map<string, string>();
  readonly #positions = new Map<string, string>();
  readonly #global: readonly TradeLearner[];
  readonly #bySymbol = new Map<string, readonly TradeLearner[]>();
  readonly #alert: (message: string, time: number) => void;

  constructor(global: readonly TradeLearner[], alert: (message: string, time: number) => void) {
    this.#global = global;
    this.#alert = alert;
  }

  /** The learning sources of one slot hear the fills and trades of its symbol. */
  addSlot(symbol: string, sources: readonly SignalSource[]): void {
    const learners = sources.filter((s) => s.onFill !== undefined || s.onTradeClosed !== undefined);
    if (learners.length > 0) this.#bySymbol.set(symbol, learners);
  }

  sent(order: OrderRequest): void {
    if (order.source !== undefined) this.#orders.set(order.clientOrderId, order.source);
  }

  /** The order will not fill any more (done, cancelled, rejected, expired). */
  done(clientOrderId: string): void {
    this.#orders.delete(clientOrderId);
  }

  /** The source(s) of the open position of `symbol`, if known. */
  positionSource(symbol: string): string | undefined {
    return this.#positions.get(symbol);
  }

  /** The fill with the source of its order, or of the position it touches. */
  tag(fill: Fill): Fill {
    if (fill.source !== undefined) return fill;
    const source = this.#orders.get(fill.clientOrderId) ?? this.#positions.get(fill.symbol);
    return source === undefined ? fill : { ...fill, source };
  }

  /** After the portfolio booked `fill` (position `before` → `after`, signed): remember who owns it, tell learners. */
  booked(fill: Fill, before: number, after: number, trade: ClosedTrade | undefined): void {
    if (after === 0) this.#positions.delete(fill.symbol);
    else if ((before === 0 || Math.sign(before) !== Math.sign(after)) && fill.source !== undefined) {
      this.#positions.set(fill.symbol, fill.source);
    }
    const local = this.#bySymbol.get(fill.symbol);
    if (local === undefined && this.#global.length === 0) return;
    for (const learner of local ?? []) this.#tell(learner, fill, trade);
    for (const learner of this.#global) this.#tell(learner, fill, trade);
  }

  #tell(learner: TradeLearner, fill: Fill, trade: ClosedTrade | undefined): void {
    try {
      learner.onFill?.(fill);
      if (trade) learner.onTradeClosed?.(trade);
    } catch (error) {
      const name = (learner as { id?: string }).id ?? "a learner";
      this.#alert(`${name} failed on a fill: ${error instanceof Error ? error.message : String(error)}`, fill.time);
    }
  }
}
