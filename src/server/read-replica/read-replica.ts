import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import {
  CamelCasePlugin,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import type { Database } from "../../store/database.js";
import { type Store, StoreSession } from "../../store/store.js";
import { READ_WORKER_SOURCE, type ReadRequest, type ReadResponse, type ReadWorkerData } from "./read-worker.js";

/**
 * A worker thread with its own read-only SQLite connection that runs the API's SELECTs. better-sqlite3 is
 * synchronous: a query on the trading thread holds its event loop (a decision-log page sorts thousands of rows),
 * and a bar that closes meanwhile waits for it. Here the API thread only posts the SQL and gets the rows back.
 */
class ReadWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  #next = 1;
  #failed: Error | undefined;

  constructor(file: string) {
    const data: ReadWorkerData = { file, driver: createRequire(import.meta.url).resolve("better-sqlite3") };
    // No inherited execArgv: the worker is plain JavaScript, and a loader such as tsx's (`--import`) registered in
    // it keeps the process alive after `aegis trade --steps` has finished, although the worker is unref'd.
    this.#worker = new Worker(READ_WORKER_SOURCE, { eval: true, workerData: data, execArgv: [] });
    this.#worker.on("message", (response: ReadResponse) => {
      const waiting = this.#pending.get(response.id);
      if (!waiting) return;
      this.#pending.delete(response.id);
      if ("error" in response) waiting.reject(new Error(response.error));
      else waiting.resolve(response.rows);
    });
    const fail = (error: Error) => {
      this.#failed = error;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    this.#worker.on("error", fail);
    this.#worker.on("exit", (code) => fail(new Error(`the API's read worker stopped (exit code ${code})`)));
    // After the listeners: adding a "message" listener refs the worker's port again.
    this.#worker.unref();
  }

  query(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const request: ReadRequest = { id, sql, parameters };
      this.#worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners("exit");
    await this.#worker.terminate();
  }
}

class ReadConnection implements DatabaseConnection {
  constructor(readonly worker: ReadWorker) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const rows = (await this.worker.query(compiled.sql, compiled.parameters)) as R[];
    return { rows };
  }

  // biome-ignore lint/correctness/useYield: the read connection has no cursor; Kysely requires the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("the API's read connection does not stream");
  }
}

/** Every query goes to the one worker, which answers them in order; a read-only connection needs no lock. */
class ReadDriver implements Driver {
  readonly #connection: ReadConnection;
  constructor(worker: ReadWorker) {
    this.#connection = new ReadConnection(worker);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error("the API's read connection runs no transactions");
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.#connection.worker.close();
  }
}

class ReadDialect implements Dialect {
  constructor(readonly worker: ReadWorker) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver() {
    return new ReadDriver(this.worker);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

export interface ReadReplica {
  /** The store's repositories over the worker's read-only connection: for the API's reads, never for writes. */
  readonly session: StoreSession;
  close(): Promise<void>;
}

/**
 * The API's reads of a SQLite store, off the trading thread; undefined for a store it cannot share (PostgreSQL,
 * whose driver is asynchronous already, or an in-memory SQLite that no other connection can open).
 */
export function openReadReplica(store: Store): ReadReplica | undefined {
  if (store.backend !== "sqlite" || store.sqlite === undefined || store.sqlite.memory) return undefined;
  const db = new Kysely<Database>({
    dialect: new ReadDialect(new ReadWorker(store.sqlite.name)),
    plugins: [new CamelCasePlugin()],
  });
  return { session: new StoreSession(db), close: () => db.destroy() };
}
