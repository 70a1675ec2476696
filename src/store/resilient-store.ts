import { Spool, type SpoolEntry } from "./spool.js";
import type { Store, StoreSession } from "./store.js";
import { isStoreUnavailable } from "./store-unavailable.js";

/** The writes that may be spooled: each replays the same call on the store later. */
const WRITES = {
  "orders.insertIntent": (s: StoreSession, a: Parameters<StoreSession["orders"]["insertIntent"]>) =>
    s.orders.insertIntent(...a),
  "orders.update": (s: StoreSession, a: Parameters<StoreSession["orders"]["update"]>) => s.orders.update(...a),
  "fills.insert": (s: StoreSession, a: Parameters<StoreSession["fills"]["insert"]>) => s.fills.insert(...a),
  "trades.insert": (s: StoreSession, a: Parameters<StoreSession["trades"]["insert"]>) => s.trades.insert(...a),
  "positions.upsert": (s: StoreSession, a: Parameters<StoreSession["positions"]["upsert"]>) => s.positions.upsert(...a),
  "positions.remove": (s: StoreSession, a: Parameters<StoreSession["positions"]["remove"]>) => s.positions.remove(...a),
  "decisions.insert": (s: StoreSession, a: Parameters<StoreSession["decisions"]["insert"]>) => s.decisions.insert(...a),
  "decisions.insertMany": (s: StoreSession, a: Parameters<StoreSession["decisions"]["insertMany"]>) =>
    s.decisions.insertMany(...a),
  "equity.insert": (s: StoreSession, a: Parameters<StoreSession["equity"]["insert"]>) => s.equity.insert(...a),
  "events.append": (s: StoreSession, a: Parameters<StoreSession["events"]["append"]>) => s.events.append(...a),
  "latches.set": (s: StoreSession, a: Parameters<StoreSession["latches"]["set"]>) => s.latches.set(...a),
  "latches.delete": (s: StoreSession, a: Parameters<StoreSession["latches"]["delete"]>) => s.latches.delete(...a),
  "llm.insert": (s: StoreSession, a: Parameters<StoreSession["llm"]["insert"]>) => s.llm.insert(...a),
  "learning.insertTrade": (s: StoreSession, a: Parameters<StoreSession["learning"]["insertTrade"]>) =>
    s.learning.insertTrade(...a),
  "learning.insertRlExperience": (s: StoreSession, a: Parameters<StoreSession["learning"]["insertRlExperience"]>) =>
    s.learning.insertRlExperience(...a),
  "learning.insertRegimeTransition": (
    s: StoreSession,
    a: Parameters<StoreSession["learning"]["insertRegimeTransition"]>,
  ) => s.learning.insertRegimeTransition(...a),
} as const;

export type WriteOp = keyof typeof WRITES;
export type WriteArgs<K extends WriteOp> = Parameters<(typeof WRITES)[K]>[1];

export interface StoreAlert {
  readonly kind: "store.unavailable" | "store.recovered" | "store.replay-rejected";
  readonly message: string;
  readonly error?: Error;
}

export interface ResilientStoreOptions {
  /** Raised when the store goes away, comes back, or refuses a replayed write. */
  readonly onAlert?: (alert: StoreAlert) => void;
  /** Wall clock for the spool records. Default Date.now. */
  readonly now?: () => number;
}

/**
 * The store with a local safety net for when it goes away (PostgreSQL down, disk full). A write that fails for
 * that reason is appended to a spool file (fsync'd) and replayed, in order, by `flush()` once the store answers
 * again; while anything is spooled every new write goes to the spool too, so the store sees writes in the order
 * they were made. `healthy` is false meanwhile: the runtime opens no new position while it cannot record one, but
 * still sends exits. Replayed writes are idempotent (keys on orders, fills, trades, decisions, equity), except
 * appends to the event log, LLM and learning tables, which a crash in the middle of one replay may write twice.
 */
export class ResilientStore {
  readonly store: Store;
  readonly #spool: Spool;
  readonly #onAlert: (alert: StoreAlert) => void;
  readonly #now: () => number;
  #pending: number;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(store: Store, spoolPath: string, options: ResilientStoreOptions = {}) {
    this.store = store;
    this.#spool = new Spool(spoolPath);
    this.#onAlert = options.onAlert ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#pending = this.#spool.pending().length;
  }

  /** False while writes wait in the spool: no new entries then, exits only. */
  get healthy(): boolean {
    return this.#pending === 0;
  }

  /** Writes waiting in the spool. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Performs one write, or spools it when the store is away (or earlier writes are still spooled). Resolves to
   * where it went; rejects only for a write the store refuses for what it is (an unknown order, a bad value).
   */
  write<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<"written" | "spooled"> {
    return this.#serial(async () => {
      const entry: SpoolEntry = { op, args, at: this.#now() };
      if (this.#pending > 0) return this.#toSpool(entry);
      try {
        await apply(this.store, entry);
        return "written";
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        this.#onAlert({
          kind: "store.unavailable",
          message: `the store ${this.store.location} cannot be written (${(error as Error).message}); spooling to ${this.#spool.path} and blocking new entries`,
          error: error as Error,
        });
        return this.#toSpool(entry);
      }
    });
  }

  /** Replays the spool in order; resolves to true when it is empty (the store is healthy again). */
  flush(): Promise<boolean> {
    return this.#serial(async () => {
      if (this.#pending === 0) return true;
      for (const entry of this.#spool.pending()) {
        try {
          await apply(this.store, entry);
        } catch (error) {
          if (isStoreUnavailable(error)) return false;
          this.#spool.reject(entry, error as Error);
          this.#onAlert({
            kind: "store.replay-rejected",
            message: `the store refused a spooled ${entry.op} (${(error as Error).message}); kept in ${this.#spool.path}.rejected`,
            error: error as Error,
          });
        }
        this.#spool.markDone(1);
        this.#pending--;
      }
      this.#spool.clear();
      this.#onAlert({ kind: "store.recovered", message: `the store ${this.store.location} is back; spool replayed` });
      return true;
    });
  }

  /** Replays every `intervalMs` until the returned function is called; the timer never keeps the process alive. */
  retryEvery(intervalMs: number): () => void {
    const timer = setInterval(() => {
      if (this.#pending > 0) this.flush().catch(() => {});
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Waits for queued writes, then closes the spool file (not the store: its owner closes it). */
  async close(): Promise<void> {
    await this.#chain.catch(() => {});
    this.#spool.close();
  }

  #toSpool(entry: SpoolEntry): "spooled" {
    this.#spool.append(entry);
    this.#pending++;
    return "spooled";
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => {});
    return next;
  }
}

function apply(store: StoreSession, entry: SpoolEntry): Promise<unknown> {
  const write = WRITES[entry.op as WriteOp] as
    | ((s: StoreSession, args: readonly unknown[]) => Promise<unknown>)
    | undefined;
  if (write === undefined) throw new Error(`unknown spooled write ${entry.op}`);
  return write(store, entry.args);
}
