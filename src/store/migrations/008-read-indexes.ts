import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";

/**
 * Indexes for the API's read pages (issue 8), so each page reads its rows in order from an index and stops after
 * one page instead of sorting every matching row.
 */
export function readIndexes(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      // A session's trades newest first (`where strategy_id = ? order by exit_time desc, id desc`).
      await db.schema
        .createIndex("trades_owner_exit")
        .on("trades")
        .columns(["strategy_id", "exit_time", "id"])
        .execute();
      // The decision log orders by (time, id). SQLite's `decisions_time` already ends with the rowid, which is the
      // id; a PostgreSQL index holds only the column it names, so there the pair needs an index of its own.
      if (backend === "postgres")
        await db.schema.createIndex("decisions_time_id").on("decisions").columns(["time", "id"]).execute();
    },
  };
}
