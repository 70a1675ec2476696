import { MemoryStateStore, type RiskStateStore } from "../state-store.js";

/** One entry of the risk audit trail: a latch set or reset, an override used. */
export interface RiskEvent {
  /** Unix ms: the data time that caused it, or the wall-clock time a person acted. */
  readonly time: number;
  /** Dotted name: `kill-switch.set`, `kill-switch.reset`, `stability-lock.override`, `stability-lock.change`. */
  readonly kind: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * An append-only audit trail of what happened to the risk latches ("who reset the kill switch at 14:03").
 * A durable store (SQLite) implements it beside `RiskStateStore`; the guards write to it when their store does.
 */
export interface RiskEventLog {
  /** Durable before it returns, like `RiskStateStore.set`. */
  appendEvent(event: RiskEvent): void;
  /** Events oldest first, optionally only of one kind. */
  events(kind?: string): RiskEvent[];
}

export function hasEventLog(store: RiskStateStore): store is RiskStateStore & RiskEventLog {
  const candidate = store as Partial<RiskEventLog>;
  return typeof candidate.appendEvent === "function" && typeof candidate.events === "function";
}

/** Appends `event` to the store's audit trail when the store keeps one (the in-memory store of a backtest may not). */
export function recordRiskEvent(store: RiskStateStore, event: RiskEvent): void {
  if (hasEventLog(store)) store.appendEvent(event);
}

/** An in-memory store with an audit trail: for tests and for backtests whose latch history a report shows. */
export class MemoryAuditedStore extends MemoryStateStore implements RiskEventLog {
  readonly #events: RiskEvent[] = [];

  appendEvent(event: RiskEvent): void {
    this.#events.push(event);
  }

  events(kind?: string): RiskEvent[] {
    return this.#events.filter((e) => kind === undefined || e.kind === kind);
  }
}
