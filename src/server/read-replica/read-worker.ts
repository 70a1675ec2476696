/** What the API thread sends: one compiled SELECT with its parameters. */
export interface ReadRequest {
  readonly id: number;
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export type ReadResponse =
  | { readonly id: number; readonly rows: unknown[] }
  | { readonly id: number; readonly error: string };

export interface ReadWorkerData {
  /** The SQLite file of the store; opened read-only in the worker, beside the trading connection (WAL allows it). */
  readonly file: string;
  /** Where better-sqlite3 is installed, resolved by the API thread (an eval'd worker resolves from the cwd). */
  readonly driver: string;
}

/**
 * The worker's code, run with `new Worker(READ_WORKER_SOURCE, { eval: true })`: plain JavaScript, so it needs no
 * TypeScript loader when Aegis runs from its sources and no file of its own beside the CLI bundle.
 */
export const READ_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma("busy_timeout = 5000");
// The API asks the same few queries again and again: each is prepared once.
const statements = new Map();
parentPort.on("message", (request) => {
  let response;
  try {
    let statement = statements.get(request.sql);
    if (statement === undefined) {
      statement = db.prepare(request.sql);
      if (!statement.reader) throw new Error("the API's read connection runs queries that return rows only");
      if (statements.size < 500) statements.set(request.sql, statement);
    }
    response = { id: request.id, rows: statement.all(...request.parameters) };
  } catch (error) {
    response = { id: request.id, error: error.message };
  }
  parentPort.postMessage(response);
});
`;
