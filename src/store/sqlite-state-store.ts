import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { RiskEvent, RiskEventLog } from "../risk/guards/risk-event-log.js";
import type { RiskStateStore } from "../risk/state-store.js";

export interface SqliteStateStoreOptions {
  /** Wall clock for `updated_at` (metadata only; risk decisions never read it). Default Date.now. */
  readonly now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS risk_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS risk_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS risk_events_kind ON risk_events (kind, id);
CREATE TRIGGER IF NOT EXISTS risk_events_no_update BEFORE UPDATE ON risk_events
  BEGIN SELECT RAISE(ABORT, 'risk_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS risk_events_no_delete BEFORE DELETE ON risk_events
  BEGIN SELECT RAISE(ABORT, 'risk_events is append-only'); END;
`;

/**
 * The durable home of the risk latches (kill switch, stability lock, daily counters) on SQLite, plus the
 * append-only audit trail of what happened to them. WAL with synchronous=FULL: every `set` and `appendEvent` is
 * on disk when it returns, so a latch survives `kill -9` and a power cut, not only a clean exit. Several processes
 * may open the same file (the trader and the `aegis risk reset` command); writes wait up to 5 s for a lock.
 */
export class SqliteStateStore implements RiskStateStore, RiskEventLog {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #get: Database.Statement<[string], { value: string }>;
  readonly #set: Database.Statement<[string, string, number]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #append: Database.Statement<[number, string, string]>;
  readonly #events: Database.Statement<[], EventRow>;
  readonly #eventsOfKind: Database.Statement<[string], EventRow>;

  constructor(path: string, options: SqliteStateStoreOptions = {}) {
    this.path = path;
    this.#now = options.now ?? Date.now;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.#db = new Database(path);
    } catch (error) {
      throw new Error(`cannot open the risk state database ${path}: ${(error as Error).message}`, { cause: error });
    }
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = FULL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(SCHEMA);
    this.#get = this.#db.prepare("SELECT value FROM risk_state WHERE key = ?");
    this.#set = this.#db.prepare(
      "INSERT INTO risk_state (key, value, updated_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
    this.#delete = this.#db.prepare("DELETE FROM risk_state WHERE key = ?");
    this.#append = this.#db.prepare("INSERT INTO risk_events (time, kind, detail) VALUES (?, ?, ?)");
    this.#events = this.#db.prepare("SELECT time, kind, detail FROM risk_events ORDER BY id");
    this.#eventsOfKind = this.#db.prepare("SELECT time, kind, detail FROM risk_events WHERE kind = ? ORDER BY id");
  }

  get(key: string): string | undefined {
    return this.#get.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.#set.run(key, value, this.#now());
  }

  delete(key: string): void {
    this.#delete.run(key);
  }

  /** When `key` was last written (wall clock, Unix ms), for status displays. */
  updatedAt(key: string): number | undefined {
    const row = this.#db.prepare("SELECT updated_at FROM risk_state WHERE key = ?").get(key) as
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
    this.#append.run(event.time, event.kind, JSON.stringify(event.detail));
  }

  events(kind?: string): RiskEvent[] {
    const rows = kind === undefined ? this.#events.all() : this.#eventsOfKind.all(kind);
    return rows.map((row) => ({
      time: row.time,
      kind: row.kind,
      detail: JSON.parse(row.detail) as RiskEvent["detail"],
    }));
  }

  close(): void {
    this.#db.close();
  }
}

interface EventRow {
  time: number;
  kind: string;
  detail: string;
}
