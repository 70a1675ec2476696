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
}

export class MemoryStateStore implements RiskStateStore {
  readonly #values = new Map<string, string>();

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: string): void {
    this.#values.set(key, value);
  }

  delete(key: string): void {
    this.#values.delete(key);
  }
}
