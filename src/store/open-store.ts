import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CamelCasePlugin, Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Backend, Database } from "./database.js";
import { migrationsFor } from "./migrations/index.js";
import { migrateUnderLock } from "./sqlite-migration-lock.js";
import { Store } from "./store.js";

/** Where the store lives: `sqlite:<path>`, a plain file path, or `postgres://user@host:port/db`. */
export interface StoreLocation {
  readonly backend: Backend;
  /** File path for SQLite (":memory:" allowed), connection URL for PostgreSQL. */
  readonly target: string;
}

export interface OpenStoreOptions {
  /** Refuse to create a SQLite file that does not exist (for read-only tools such as `aegis export`). */
  readonly mustExist?: boolean;
  /** Pool size on PostgreSQL. Default 10. */
  readonly maxConnections?: number;
  /** How long a PostgreSQL connection attempt may take before the write fails (and is spooled). Default 5000. */
  readonly connectTimeoutMs?: number;
}

/** The default store of a data directory: `<dataDir>/aegis.sqlite`. */
export function defaultStorePath(dataDir: string): string {
  return join(dataDir, "aegis.sqlite");
}

export function parseStoreLocation(url: string): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === "") throw new Error("the store location is empty: give sqlite:PATH, a file path or postgres://…");
  if (/^postgres(ql)?:\/\//.test(trimmed)) return { backend: "postgres", target: trimmed };
  if (trimmed.startsWith("sqlite:")) {
    const path = trimmed.slice("sqlite:".length);
    if (path === "") throw new Error(`the store location ${url} names no file`);
    return { backend: "sqlite", target: path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new Error(`unsupported store ${trimmed.split(":")[0]}: use sqlite:PATH or postgres://…`);
  }
  return { backend: "sqlite", target: trimmed };
}

/** Opens the store and brings its schema up to date (migrations run once per version, in order). */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreLocation(url);
  const store = location.backend === "sqlite" ? openSqlite(location.target, options) : openPostgres(location, options);
  try {
    await migrate(store);
  } catch (error) {
    await store.close().catch(() => {});
    throw new Error(`cannot open the store ${store.location}: ${(error as Error).message}`, { cause: error });
  }
  return store;
}

function openSqlite(path: string, options: OpenStoreOptions): Store {
  let sqlite: BetterSqlite3.Database;
  try {
    if (path !== ":memory:") {
      if (options.mustExist && !existsSync(path)) throw new Error("no such file");
      mkdirSync(dirname(resolve(path)), { recursive: true });
    }
    sqlite = new BetterSqlite3(path, { fileMustExist: options.mustExist === true });
    sqlite.pragma("journal_mode = WAL");
  } catch (error) {
    throw new Error(`cannot open the store ${path}: ${(error as Error).message}`, { cause: error });
  }
  // FULL: a committed latch, order intent or fill is on disk when the call returns, so kill -9 cannot lose it.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new CamelCasePlugin()],
  });
  return new Store(db, "sqlite", path, sqlite);
}

/** int8 (bigint) columns hold Unix-ms times and ids: well inside 2^53, so read them as numbers. */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(location: StoreLocation, options: OpenStoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: location.target,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    types: pgTypes,
  });
  // An idle client whose server went away emits 'error'; without a listener that would crash the process. The
  // next query fails and reports it instead.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  return new Store(db, "postgres", redactPassword(location.target));
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}

async function migrate(store: Store): Promise<void> {
  const migrator = new Migrator({ db: store.db, provider: migrationsFor(store.backend) });
  const run = async () => {
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  };
  // PostgreSQL migrations take an advisory lock; SQLite's need one of their own (two processes opening a new file).
  if (store.sqlite === undefined) return run();
  const pending = async () => (await migrator.getMigrations()).some((m) => m.executedAt === undefined);
  return migrateUnderLock(store.sqlite, pending, run);
}
