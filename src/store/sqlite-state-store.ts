import type BetterSqlite3 from "better-sqlite3";
import type { RiskEvent, RiskEventLog } from "../risk/guards/risk-event-log.js";
import type { RiskStateStore } from "../risk/state-store.js";
import { openStore } from "./open-store.js";
import type { Store } from "./store.js";

export interface RiskStateOptions {
  /** Wall clock for `updated_at` (metadata only; risk decisions never read it). Default Date.now. */
  readonly now?: () => number;
}

/** The `source` of risk events in the store's audit log. */
export const RISK_EVENT_SOURCE = "risk";

/**
 * The risk latches (kill switch, stability lock, daily counters) in the store's `latches` table and their audit
 * trail in its append-only `events` log, on SQLite. The risk layers read and write latches synchronously inside a
 * time step, so this uses the store's SQLite handle directly; WAL with synchronous=FULL makes every `set` and
 * `appendEvent` durable when it returns (kill -9 and power cuts). Several processes may open the same file (the
 * trader and `aegis risk reset`); writes wait up to 5 s for a lock.
 *
 * Sharing the handle with Kysely is safe because better-sqlite3 is synchronous: a store transaction that awaits
 * only store calls completes within one task, so a latch write from the engine never lands inside it. `set`
 * refuses to run inside an open transaction rather than join one that could roll it back.
 */
export class SqliteStateStore implements RiskStateStore, RiskEventLog {
  readonly store: Store;
  readonly #db: BetterSqlite3.Database;
  readonly #now: () => number;
  readonly #owned: boolean;
  readonly #get: BetterSqlite3.Statement<[string], { value: string }>;
  readonly #set: BetterSqlite3.Statement<[string, string, number]>;
  readonly #delete: BetterSqlite3.Statement<[string]>;
  readonly #append: BetterSqlite3.Statement<[number, string, string, string]>;
  readonly #events: BetterSqlite3.Statement<[string], EventRow>;
  readonly #eventsOfKind: BetterSqlite3.Statement<[string, string], EventRow>;

  /** Opens (creating and migrating when needed) the SQLite store at `path`; `close` closes it. */
  static async open(path: string, options: RiskStateOptions = {}): Promise<SqliteStateStore> {
    return new SqliteStateStore(await openStore(`sqlite:${path}`), options, true);
  }

  /** Over an open SQLite store; `close` then leaves the store open unless `owned`. */
  constructor(store: Store, options: RiskStateOptions = {}, owned = false) {
    if (store.sqlite === undefined) throw new Error(`the risk state needs a SQLite store, not ${store.backend}`);
    this.store = store;
    this.#db = store.sqlite;
    this.#now = options.now ?? Date.now;
    this.#owned = owned;
    this.#get = this.#db.prepare("SELECT value FROM latches WHERE key = ?");
    this.#set = this.#db.prepare(
      "INSERT INTO latches (key, value, updated_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
    this.#delete = this.#db.prepare("DELETE FROM latches WHERE key = ?");
    this.#append = this.#db.prepare("INSERT INTO events (time, kind, source, detail) VALUES (?, ?, ?, ?)");
    this.#events = this.#db.prepare("SELECT time, kind, detail FROM events WHERE source = ? ORDER BY id");
    this.#eventsOfKind = this.#db.prepare(
      "SELECT time, kind, detail FROM events WHERE source = ? AND kind = ? ORDER BY id",
    );
  }

  get path(): string {
    return this.store.location;
  }

  get(key: string): string | undefined {
    return this.#get.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.#outsideTransaction("set");
    this.#set.run(key, value, this.#now());
  }

  delete(key: string): void {
    this.#outsideTransaction("delete");
    this.#delete.run(key);
  }

  /** When `key` was last written (wall clock, Unix ms), for status displays. */
  updatedAt(key: string): number | undefined {
    const row = this.#db.prepare("SELECT updated_at FROM latches WHERE key = ?").get(key) as
      | { updated_at: number }
      | undefined;
    return row?.updated_at;
  }

  /** The durability settings in force on this connection (journal mode "wal", synchronous 2 = FULL). */
  durability(): { journalMode: string; synchronous: number } {
    return {
      journalMode: String(this.#db.pragma("journal_mode", { simple: true })),
      synchronous: Number(this.#db.pragma("synchronous", { simple: true })),
    };
  }

  appendEvent(event: RiskEvent): void {
    this.#outsideTransaction("appendEvent");
    this.#append.run(event.time, event.kind, RISK_EVENT_SOURCE, JSON.stringify(event.detail));
  }

  events(kind?: string): RiskEvent[] {
    const rows =
      kind === undefined ? this.#events.all(RISK_EVENT_SOURCE) : this.#eventsOfKind.all(RISK_EVENT_SOURCE, kind);
    return rows.map((row) => ({
      time: row.time,
      kind: row.kind,
      detail: JSON.parse(row.detail) as RiskEvent["detail"],
    }));
  }

  /** Nothing to wait for: every write is on disk when it returns. Same shape as the PostgreSQL latch store. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#owned) await this.store.close();
  }

  #outsideTransaction(what: string): void {
    if (this.#db.inTransaction) {
      throw new Error(`risk state ${what} inside an open store transaction: it could be rolled back with it`);
    }
  }
}

interface EventRow {
  time: number;
  kind: string;
  detail: string;
}
