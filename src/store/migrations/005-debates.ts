import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";
import { TEXT, TIME, tableWithId } from "./columns.js";

/**
 * The LLM debates (issue 11): one row per architect or hypothesis debate, with its whole transcript as JSON (each
 * round's spec, gate numbers, verdict and critique), so a person can read why a spec entered the lifecycle or was
 * blacklisted.
 */
export function debateTables(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await tableWithId(db, backend, "llm_debates")
        .addColumn("started_at", TIME, (c) => c.notNull())
        .addColumn("finished_at", TIME, (c) => c.notNull())
        .addColumn("kind", TEXT, (c) => c.notNull())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("outcome", TEXT, (c) => c.notNull())
        .addColumn("survivor_id", TEXT)
        .addColumn("transcript", TEXT, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("llm_debates_started_at").on("llm_debates").column("started_at").execute();
    },
  };
}
