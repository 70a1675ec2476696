import type { RiskEvent, RiskEventLog } from "../risk/guards/risk-event-log.js";
import type { RiskStateStore } from "../risk/state-store.js";
import type { ResilientStore } from "./resilient-store.js";
import { RISK_EVENT_SOURCE, type RiskStateOptions } from "./sqlite-state-store.js";
import type { Store } from "./store.js";

/**
 * The risk latches and their audit trail on PostgreSQL. The risk layers need synchronous reads and writes inside
 * a time step and a network database cannot give that, so the latches are loaded once and kept in memory; every
 * write goes to PostgreSQL in order, through the ResilientStore when one is given (so a write made while the
 * server is away is spooled to local disk, fsync'd, and replayed). A write is durable once `flush()` resolves:
 * the runtime awaits it at the end of each step before publishing what happened.
 */
export class PostgresStateStore implements RiskStateStore, RiskEventLog {
  readonly store: Store;
  readonly #latches: Map<string, { value: string; updatedAt: number }>;
  readonly #events: RiskEvent[];
  readonly #writer: ResilientStore | undefined;
  readonly #now: () => number;
  #chain: Promise<unknown> = Promise.resolve();
  #failure: Error | undefined;

  static async load(
    store: Store,
    options: RiskStateOptions & { readonly writer?: ResilientStore } = {},
  ): Promise<PostgresStateStore> {
    const latches = await store.latches.all();
    const events = await store.events.list({ source: RISK_EVENT_SOURCE });
    return new PostgresStateStore(
      store,
      new Map(latches.map((l) => [l.key, { value: l.value, updatedAt: l.updatedAt }])),
      events.map((e) => ({ time: e.time, kind: e.kind, detail: e.detail })),
      options,
    );
  }

  private constructor(
    store: Store,
    latches: Map<string, { value: string; updatedAt: number }>,
    events: RiskEvent[],
    options: RiskStateOptions & { readonly writer?: ResilientStore },
  ) {
    this.store = store;
    this.#latches = latches;
    this.#events = events;
    this.#writer = options.writer;
    this.#now = options.now ?? Date.now;
  }

  get path(): string {
    return this.store.location;
  }

  get(key: string): string | undefined {
    return this.#latches.get(key)?.value;
  }

  set(key: string, value: string): void {
    const updatedAt = this.#now();
    this.#latches.set(key, { value, updatedAt });
    this.#enqueue(() =>
      this.#writer
        ? this.#writer.write("latches.set", key, value, updatedAt)
        : this.store.latches.set(key, value, updatedAt),
    );
  }

  delete(key: string): void {
    this.#latches.delete(key);
    this.#enqueue(() => (this.#writer ? this.#writer.write("latches.delete", key) : this.store.latches.delete(key)));
  }

  updatedAt(key: string): number | undefined {
    return this.#latches.get(key)?.updatedAt;
  }

  appendEvent(event: RiskEvent): void {
    this.#events.push(event);
    const audit = { ...event, source: RISK_EVENT_SOURCE };
    this.#enqueue(() => (this.#writer ? this.#writer.write("events.append", audit) : this.store.events.append(audit)));
  }

  events(kind?: string): RiskEvent[] {
    return this.#events.filter((e) => kind === undefined || e.kind === kind);
  }

  /** Resolves once every write so far is in PostgreSQL (or in the spool); rejects with the first failure. */
  async flush(): Promise<void> {
    await this.#chain;
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) throw failure;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  #enqueue(write: () => Promise<unknown>): void {
    this.#chain = this.#chain.then(write).catch((error: unknown) => {
      this.#failure ??= error as Error;
    });
  }
}
