import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";
import { TEXT, TIME, tableWithId } from "./columns.js";

/**
 * Context observations (news, sentiment scores, fear and greed, whale inflows, index closes) with the instant each
 * was seen, so a backtest replays what was known then; and the LLM replay cache, so a run that consulted a model
 * is reproducible. The cache lives in the store rather than a JSONL file because the paper session that records the
 * answers already writes its decisions and LLM exchanges here: one place to back up, readable from another machine
 * when the store is PostgreSQL, and written in the same way on both backends.
 */
export function contextTables(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await tableWithId(db, backend, "context_observations")
        .addColumn("source", TEXT, (c) => c.notNull())
        .addColumn("item_key", TEXT, (c) => c.notNull())
        .addColumn("seen_at", TIME, (c) => c.notNull())
        .addColumn("event_time", TIME)
        .addColumn("value", TEXT, (c) => c.notNull())
        .addUniqueConstraint("context_observations_item", ["source", "item_key"])
        .execute();
      await db.schema
        .createIndex("context_observations_seen")
        .on("context_observations")
        .columns(["source", "seen_at"])
        .execute();
      await db.schema
        .createTable("llm_replay")
        .addColumn("key", TEXT, (c) => c.primaryKey())
        .addColumn("role", TEXT, (c) => c.notNull())
        .addColumn("model", TEXT, (c) => c.notNull())
        .addColumn("schema_name", TEXT, (c) => c.notNull())
        .addColumn("as_of", TIME, (c) => c.notNull())
        .addColumn("answer", TEXT, (c) => c.notNull())
        .addColumn("recorded_at", TIME, (c) => c.notNull())
        .execute();
    },
  };
}
