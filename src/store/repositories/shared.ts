import type { Kysely, Transaction } from "kysely";
import type { Database } from "../database.js";

export type Db = Kysely<Database>;

/** Runs `fn` in a transaction, or inside the caller's when there is one already (Kysely does not nest). */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute((trx: Transaction<Database>) => fn(trx));
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

/** A time window for reads and exports; both ends inclusive, Unix ms. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

/** Drops undefined keys so optional inputs become SQL NULL through `?? null` and not `undefined` columns. */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
