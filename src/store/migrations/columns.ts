import type { CreateTableBuilder, Kysely } from "kysely";
import type { Backend } from "../database.js";

/**
 * Starts a table with an auto-increment `id` primary key, spelled the way each backend wants it (SQLite's rowid
 * alias with AUTOINCREMENT so ids are never reused; a PostgreSQL identity column).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
export function tableWithId(db: Kysely<any>, backend: Backend, name: string): CreateTableBuilder<string, "id"> {
  const table = db.schema.createTable(name);
  return backend === "sqlite"
    ? table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    : table.addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity());
}

/** Column types both backends understand: SQLite maps them onto INTEGER, REAL and TEXT affinities. */
export const TIME = "bigint";
export const REAL = "double precision";
export const TEXT = "text";
export const INT = "integer";
