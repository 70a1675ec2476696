import type { Fill, OrderRequest } from "../domain/order.js";
import type { ClosedTrade } from "../domain/trade.js";
import type { OrderIdSource } from "../execution/order-manager.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { Venue } from "../execution/venue.js";
import type { ManagedPositionView, PositionAction, PositionManager } from "../risk/position/types.js";
import type { Attribution } from "./attribution.js";
import { positionActionOrder, positionActionOutcome } from "./decision-orders.js";
import type { EventBus } from "./events.js";
import { marketSnapshot } from "./lazy-snapshot.js";
import type { Slot } from "./slot.js";

/** What position management did and why ("stop to break-even at 101.2"). */
export interface PositionActionRecord {
  time: number;
  symbol: string;
  action: PositionAction;
  outcome: string;
}

export interface PositionSupervisionParts {
  readonly manager: PositionManager;
  readonly portfolio: Portfolio;
  readonly broker: Venue;
  readonly bus: EventBus;
  readonly ids: OrderIdSource;
  readonly attribution: Attribution;
  /** Sends an order through the engine's order flow (`OrderFlow.submit`). */
  readonly submit: (order: OrderRequest, index: number, time: number) => OrderRequest | string;
  /** Where each action is recorded (the engine's `positionActions`). */
  readonly actions: PositionActionRecord[];
}

/**
 * Runs a position manager over the engine's open positions: initial exits for a position opened this step, then
 * per-bar updates (stops, trailing, break-even, partial take-profit), each turned into a stop or an order.
 */
export class PositionSupervisor {
  readonly #parts: PositionSupervisionParts;
  /** Symbols whose position opened during the current step; management sees them after the broker. */
  readonly #opened = new Set<string>();

  constructor(parts: PositionSupervisionParts) {
    this.#parts = parts;
  }

  /** A fill was booked on bar `index`: a closed trade ends management, a new position starts it next `manage`. */
  filled(fill: Fill, trade: ClosedTrade | undefined, index: number): void {
    const { manager, portfolio } = this.#parts;
    if (trade) manager.onClose(fill.symbol);
    // A position opened (or flipped) by a fill on this bar: management starts after the broker is done.
    const position = portfolio.position(fill.symbol);
    if (position && position.openedAt === fill.time && portfolio.openedBar(fill.symbol) === index) {
      this.#opened.add(fill.symbol);
    }
  }

  /** Initial exits for the slot's position if it opened this step, else the per-bar update of an open one. */
  manage(slot: Slot, index: number, time: number): void {
    const { manager, portfolio, broker, bus } = this.#parts;
    const symbol = slot.config.symbol;
    const position = portfolio.position(symbol);
    if (!position) {
      if (this.#opened.delete(symbol)) manager.onClose(symbol);
      return;
    }
    const levels = broker.exitLevels(symbol);
    const view: ManagedPositionView = {
      symbol,
      side: position.side,
      quantity: position.quantity,
      entryPrice: position.entryPrice,
      barsHeld: index - portfolio.openedBar(symbol),
      stop: levels && Number.isFinite(levels.stop) ? levels.stop : undefined,
      leverage: position.leverage,
      liquidationPrice: position.liquidationPrice,
      time,
      market: marketSnapshot(slot, index),
    };
    const actions = this.#opened.delete(symbol) ? manager.onOpen(view) : manager.onBar(view);
    for (const action of actions) {
      if (action.kind === "set-stop") {
        broker.setStop(symbol, action.price);
        this.#record(time, symbol, action, "stop set");
        continue;
      }
      const source = this.#parts.attribution.positionSource(symbol);
      const order = positionActionOrder(action, view, this.#parts.ids, source);
      const answer = this.#parts.submit(order, index, time);
      this.#record(time, symbol, action, positionActionOutcome(order, answer));
      if (typeof answer !== "string" && bus.has("ORDER_PLACED")) bus.publish("ORDER_PLACED", { time, order: answer });
    }
  }

  #record(time: number, symbol: string, action: PositionAction, outcome: string): void {
    this.#parts.actions.push({ time, symbol, action, outcome });
    const bus = this.#parts.bus;
    if (bus.has("POSITION_ACTION")) bus.publish("POSITION_ACTION", { time, symbol, action, outcome });
  }
}
