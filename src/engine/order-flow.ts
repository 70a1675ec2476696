import type { Fill, OrderRequest } from "../domain/order.js";
import type { ClosedTrade } from "../domain/trade.js";
import { type OrderJournal, OrderManager } from "../execution/order-manager.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { Venue, VenueListener, VenueReport } from "../execution/venue.js";
import type { RiskShield } from "../risk/shield.js";
import type { Attribution } from "./attribution.js";
import type { EventBus } from "./events.js";
import type { Slot } from "./slot.js";

/** What the order flow needs of the engine around it. */
export interface OrderFlowParts {
  readonly createBroker: (listener: VenueListener) => Venue;
  readonly journal: OrderJournal | undefined;
  readonly portfolio: Portfolio;
  readonly shield: RiskShield;
  readonly bus: EventBus;
  readonly attribution: Attribution;
  /** The engine's slots by symbol: a fill is booked at the current bar of its symbol's slot. */
  readonly slotsBySymbol: ReadonlyMap<string, Slot>;
  /** Called for each fill after the shield heard it, before the fill events (position management). */
  readonly onFill: ((fill: Fill, trade: ClosedTrade | undefined, index: number) => void) | undefined;
}

/**
 * Orders out to the venue and what the venue says back: builds the venue so that its reports reach this one
 * handler, where they become state (orders, positions, the portfolio) and then events.
 */
export class OrderFlow {
  readonly broker: Venue;
  /** The order state machine between the engine and the venue. */
  readonly orders: OrderManager;
  /** Fills in the order they happened. */
  readonly fills: Fill[] = [];
  readonly #portfolio: Portfolio;
  readonly #shield: RiskShield;
  readonly #bus: EventBus;
  readonly #attribution: Attribution;
  readonly #slotsBySymbol: ReadonlyMap<string, Slot>;
  readonly #onFill: OrderFlowParts["onFill"];
  /** The venue's synchronous answer to the order being submitted, while `submit` waits for it. */
  #answer: { id: string; order?: OrderRequest; rejected?: string } | undefined;

  constructor(parts: OrderFlowParts) {
    this.#portfolio = parts.portfolio;
    this.#shield = parts.shield;
    this.#bus = parts.bus;
    this.#attribution = parts.attribution;
    this.#slotsBySymbol = parts.slotsBySymbol;
    this.#onFill = parts.onFill;
    this.broker = parts.createBroker({ report: (report) => this.orders.report(report) });
    this.orders = new OrderManager(this.broker, (report) => this.#onReport(report), parts.journal);
  }

  /**
   * Hands `order` to the order manager. Returns the order as the venue took it, the reason it refused it when it
   * answered at once (the simulated venue always does), or the order as sent when the answer will come later.
   */
  submit(order: OrderRequest, index: number, time: number): OrderRequest | string {
    const answer: { id: string; order?: OrderRequest; rejected?: string } = { id: order.clientOrderId };
    this.#answer = answer;
    this.#attribution.sent(order);
    try {
      this.orders.submit(order, index, time);
    } finally {
      this.#answer = undefined;
    }
    return answer.rejected ?? answer.order ?? order;
  }

  /** The one place where what a venue says becomes state: orders, positions, the portfolio, then events. */
  #onReport(report: VenueReport): void {
    const bus = this.#bus;
    switch (report.type) {
      case "accepted": {
        if (this.#answer?.id === report.order.clientOrderId) this.#answer.order = report.order;
        if (bus.has("ORDER_ACKNOWLEDGED"))
          bus.publish("ORDER_ACKNOWLEDGED", { time: report.time, order: report.order });
        return;
      }
      case "rejected": {
        if (this.#answer?.id === report.order.clientOrderId) this.#answer.rejected = report.reason;
        this.#attribution.done(report.order.clientOrderId);
        if (bus.has("ORDER_REJECTED"))
          bus.publish("ORDER_REJECTED", { time: report.time, order: report.order, reason: report.reason });
        return;
      }
      case "filled": {
        const portfolio = this.#portfolio;
        const fill = this.#attribution.tag(report.fill);
        const index = this.#slotsBySymbol.get(fill.symbol)?.cursor.index ?? -1;
        const before = portfolio.positionQuantity(fill.symbol);
        const trade = portfolio.applyFill(fill, index, report.leverage);
        if (report.remaining === 0) this.#attribution.done(fill.clientOrderId);
        this.#attribution.booked(fill, before, portfolio.positionQuantity(fill.symbol), trade);
        this.#filled(fill, trade, index);
        return;
      }
      case "cancelled":
      case "expired": {
        this.#attribution.done(report.order.clientOrderId);
        if (bus.has("ORDER_CANCELLED")) {
          bus.publish("ORDER_CANCELLED", {
            time: report.time,
            clientOrderId: report.order.clientOrderId,
            symbol: report.order.symbol,
            reason: report.reason,
          });
        }
        return;
      }
      case "funding":
        this.#portfolio.applyFunding(report.symbol, report.rate, report.markPrice);
        return;
    }
  }

  #filled(fill: Fill, trade: ClosedTrade | undefined, index: number): void {
    this.fills.push(fill);
    this.#shield.onFill(fill, trade);
    this.#onFill?.(fill, trade, index);
    const bus = this.#bus;
    if (bus.has("ORDER_FILLED")) bus.publish("ORDER_FILLED", { time: fill.time, fill });
    if (bus.has("POSITION_UPDATE")) {
      bus.publish("POSITION_UPDATE", {
        time: fill.time,
        symbol: fill.symbol,
        position: this.#portfolio.position(fill.symbol),
      });
    }
  }
}
