import type { OrderRequest, OrderStatus } from "../domain/order.js";
import type { Venue, VenueReport } from "./venue.js";

/**
 * Where client order ids come from. Ids must never repeat, not even across a restart: a venue treats a reused id
 * as the same order, and a restart must not confuse an old order with a new one. The runtime backs this with a
 * sequence persisted in the store; backtests use a counter.
 */
export interface OrderIdSource {
  next(): string;
}

/** `${prefix}-1`, `${prefix}-2`, …: unique within one run; replayable, so two identical backtests agree. */
export class CounterOrderIds implements OrderIdSource {
  #sequence: number;
  constructor(
    readonly prefix: string,
    start = 0,
  ) {
    this.#sequence = start;
  }
  next(): string {
    return `${this.prefix}-${++this.#sequence}`;
  }
  /** The last number used (what a restart continues from). */
  get current(): number {
    return this.#sequence;
  }
}

/**
 * The durable record of orders. `intent` is written before the venue sees the order, so that a crash between
 * "written" and "sent" leaves a trace the restart can resolve by asking the venue for that client order id.
 */
export interface OrderJournal {
  intent(order: OrderRequest, time: number): void;
  report(report: VenueReport, status: OrderStatus): void;
}

export interface OrderState {
  readonly order: OrderRequest;
  status: OrderStatus;
  filled: number;
  readonly sentAt: number;
}

/**
 * Owns the order state machine between the engine and the venue: journals each intent before sending it, follows
 * the venue's reports (pending → accepted → partially filled → filled / cancelled / rejected / expired) and hands
 * them on. Orders the venue makes itself (attached exits it triggers) enter the machine at their first report.
 */
export class OrderManager {
  readonly #venue: Venue;
  readonly #journal: OrderJournal | undefined;
  readonly #open = new Map<string, OrderState>();
  readonly #onReport: (report: VenueReport) => void;

  constructor(venue: Venue, onReport: (report: VenueReport) => void, journal?: OrderJournal) {
    this.#venue = venue;
    this.#onReport = onReport;
    this.#journal = journal;
  }

  /** Journals `order`, then hands it to the venue at bar `index`. */
  submit(order: OrderRequest, index: number, time: number): void {
    this.#journal?.intent(order, time);
    this.#open.set(order.clientOrderId, { order, status: "pending", filled: 0, sentAt: time });
    this.#venue.submit(order, index);
  }

  /** Orders sent and not yet done (filled, cancelled, rejected or expired), oldest first. */
  open(): OrderState[] {
    return [...this.#open.values()];
  }

  /** Follows one venue report: updates the order's state, journals it, then passes it to the engine. */
  report(report: VenueReport): void {
    if (report.type !== "funding") {
      const status = this.#advance(report);
      this.#journal?.report(report, status);
    }
    this.#onReport(report);
  }

  #advance(report: Exclude<VenueReport, { type: "funding" }>): OrderStatus {
    const id = report.type === "filled" ? report.fill.clientOrderId : report.order.clientOrderId;
    const state = this.#open.get(id);
    switch (report.type) {
      case "accepted":
        if (state) state.status = "accepted";
        else this.#open.set(id, { order: report.order, status: "accepted", filled: 0, sentAt: report.time });
        return "accepted";
      case "filled": {
        const status: OrderStatus = report.remaining > 0 ? "partially-filled" : "filled";
        if (state) {
          state.filled += report.fill.quantity;
          state.status = status;
        }
        if (status === "filled") this.#open.delete(id);
        return status;
      }
      case "rejected":
      case "cancelled":
      case "expired": {
        this.#open.delete(id);
        return report.type;
      }
    }
  }
}
