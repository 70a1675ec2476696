import type { Candle } from "../domain/candles.js";
import type { Fill, OrderRequest, PositionSnapshot } from "../domain/order.js";
import type { Vote } from "../domain/signal.js";
import type { PositionAction } from "../risk/position/types.js";
import type { RiskCheckResult } from "../risk/shield.js";

/** Events the engine publishes, by name (ARCHITECTURE.md). Each payload is a plain, serialisable object. */
export interface EngineEvents {
  MARKET_DATA: { symbol: string; timeframe: string; bar: Candle };
  SIGNAL_GENERATED: { time: number; symbol: string; votes: readonly Vote[]; action: string; reason: string };
  RISK_CHECK: {
    time: number;
    symbol: string;
    order: OrderRequest;
    verdicts: readonly RiskCheckResult[];
    approvedQuantity: number;
  };
  SIGNAL_REJECTED: { time: number; symbol: string; reason: string; verdicts: readonly RiskCheckResult[] };
  ORDER_PLACED: { time: number; order: OrderRequest };
  ORDER_ACKNOWLEDGED: { time: number; order: OrderRequest };
  ORDER_REJECTED: { time: number; order: OrderRequest; reason: string };
  ORDER_FILLED: { time: number; fill: Fill };
  ORDER_CANCELLED: { time: number; clientOrderId: string; symbol: string; reason: string };
  POSITION_UPDATE: { time: number; symbol: string; position: PositionSnapshot | undefined };
  /** Position management acted: a stop moved, a partial take-profit or a close was sent (or refused). */
  POSITION_ACTION: { time: number; symbol: string; action: PositionAction; outcome: string };
  /** `equity`: the account's equity in what was saved (a trading session's committed step). */
  STATE_SAVED: { time: number; what: string; equity?: number };
  /**
   * `kind` says what the alert is about, for the alert channels' routing (reconciliation, strategy-approval …);
   * without it, an alert is filed by its wording.
   */
  ALERT: { time: number; level: "info" | "warning" | "critical"; message: string; kind?: string };
  KILL_SWITCH: { time: number; reason: string };
}

export type EventName = keyof EngineEvents;
type Handler<K extends EventName> = (payload: EngineEvents[K]) => void;

/** What the bus does with an error thrown by a subscriber: by default it writes one line to stderr. */
export type SubscriberErrorHandler = (error: unknown, event: EventName) => void;

const logSubscriberError: SubscriberErrorHandler = (error, event) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`aegis: a subscriber of ${event} failed: ${message}\n`);
};

/**
 * A synchronous, typed publish/subscribe bus. Synchronous so that a backtest stays deterministic and a
 * subscriber sees state exactly as it was when the event happened. `has` lets the hot path skip building a
 * payload nobody listens to (MARKET_DATA on every bar would otherwise cost an allocation per bar).
 *
 * Subscribers are isolated: one that throws (a dashboard, an alert channel, a store that went away) is reported
 * to `onError` and never aborts the decision that published the event, nor the subscribers after it.
 */
export class EventBus {
  readonly #handlers = new Map<EventName, Handler<EventName>[]>();
  readonly #onError: SubscriberErrorHandler;
  /** Subscriber failures so far, by event (for health checks and tests). */
  readonly failures = new Map<EventName, number>();

  constructor(onError: SubscriberErrorHandler = logSubscriberError) {
    this.#onError = onError;
  }

  on<K extends EventName>(name: K, handler: Handler<K>): () => void {
    const list = this.#handlers.get(name) ?? [];
    list.push(handler as Handler<EventName>);
    this.#handlers.set(name, list);
    return () => {
      const current = this.#handlers.get(name);
      if (!current) return;
      const index = current.indexOf(handler as Handler<EventName>);
      if (index >= 0) current.splice(index, 1);
      if (current.length === 0) this.#handlers.delete(name);
    };
  }

  has(name: EventName): boolean {
    return this.#handlers.has(name);
  }

  publish<K extends EventName>(name: K, payload: EngineEvents[K]): void {
    const list = this.#handlers.get(name);
    if (!list) return;
    for (const handler of list.slice()) {
      try {
        (handler as Handler<K>)(payload);
      } catch (error) {
        this.failures.set(name, (this.failures.get(name) ?? 0) + 1);
        try {
          this.#onError(error, name);
        } catch {
          // An error handler that fails has nowhere left to report; the decision goes on regardless.
        }
      }
    }
  }
}
