import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";
import { TEXT, TIME } from "./columns.js";

/** Trading sessions: the state a restart continues from, written with each committed time step. */
export function sessionTables(_backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("trading_sessions")
        .addColumn("session", TEXT, (c) => c.primaryKey())
        .addColumn("state", TEXT, (c) => c.notNull())
        .addColumn("step_close", TIME, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .execute();
    },
  };
}
