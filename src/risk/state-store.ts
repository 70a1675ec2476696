/**
 * Where risk latches live (kill switch, stability lock, macro risk level). Paper and live trading use a durable
 * store (SQLite, src/store/) so that a restart never clears a latch; a backtest uses the in-memory one, so one
 * run's halt never leaks into another.
 */
export interface RiskStateStore {
  get(key: string): string | undefined;
  /** Durable before it returns: a crash right after `set` must not lose the value. */
  set(key: string, value: string): void;
  delete(key: string): void;
  /**
   * A number that changes with every `set` and `delete`, for a store that sees every change (in memory, one
   * process): a layer that polls a latch on every time step reads it again only when this moved. A store that other
   * processes write to (SQLite) leaves it undefined, and readers then read every time.
   */
  readonly revision?: number;
}

export class MemoryStateStore implements RiskStateStore {
  readonly #values = new Map<string, string>();
  /**
   * See RiskStateStore.revision; only `set` and `delete` move it. A plain field rather than a getter: the kill
   * switch reads it on every time step, often before the optimizing compiler has seen that code.
   */
  revision = 0;

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: string): void {
    this.#values.set(key, value);
    this.revision++;
  }

  delete(key: string): void {
    this.#values.delete(key);
    this.revision++;
  }
}
