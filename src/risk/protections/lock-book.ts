import type { RiskStateStore } from "../state-store.js";

/** A lock on new positions: until when (exclusive, Unix ms) and why. */
export interface ProtectionLock {
  readonly until: number;
  readonly reason: string;
}

/**
 * The locks of one protection, keyed by scope (a symbol, or "*" for all). Held in memory and, when a store is
 * given, mirrored to it under `protection-lock:<rule>:<scope>` so that a restart keeps a lock that is still running
 * (as freqtrade keeps its pair locks in its database).
 */
export class LockBook {
  readonly #rule: string;
  readonly #store: RiskStateStore | undefined;
  readonly #locks = new Map<string, ProtectionLock>();
  /** Store keys by scope: every check of an unlocked scope asks the store, with the same key each time. */
  readonly #keys = new Map<string, string>();

  constructor(rule: string, store?: RiskStateStore) {
    this.#rule = rule;
    this.#store = store;
  }

  /** Locks `scope` until `until`; a lock that already runs longer is kept. */
  lock(scope: string, until: number, reason: string): void {
    const current = this.#read(scope);
    if (current !== undefined && current.until >= until) return;
    const lock = { until, reason };
    this.#locks.set(scope, lock);
    // The same text as JSON.stringify(lock), without walking the object.
    this.#store?.set(
      this.#key(scope),
      `{"until":${Number.isFinite(until) ? String(until) : "null"},"reason":${JSON.stringify(reason)}}`,
    );
  }

  /** The lock on `scope` still running at `time`, if any. */
  active(scope: string, time: number): ProtectionLock | undefined {
    const lock = this.#read(scope);
    if (lock === undefined) return undefined;
    if (time < lock.until) return lock;
    // Spent locks leave the store so that it holds only what a restart must keep.
    this.#locks.delete(scope);
    this.#store?.delete(this.#key(scope));
    return undefined;
  }

  #read(scope: string): ProtectionLock | undefined {
    const held = this.#locks.get(scope);
    if (held !== undefined || this.#store === undefined) return held;
    const text = this.#store.get(this.#key(scope));
    if (text === undefined) return undefined;
    const parsed = JSON.parse(text) as Partial<ProtectionLock>;
    if (typeof parsed.until !== "number" || typeof parsed.reason !== "string") {
      throw new Error(`risk state ${this.#key(scope)} holds an unreadable lock: ${text.slice(0, 120)}`);
    }
    const lock = { until: parsed.until, reason: parsed.reason };
    this.#locks.set(scope, lock);
    return lock;
  }

  #key(scope: string): string {
    let key = this.#keys.get(scope);
    if (key === undefined) {
      key = `protection-lock:${this.#rule}:${scope}`;
      this.#keys.set(scope, key);
    }
    return key;
  }
}
