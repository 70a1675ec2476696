import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";
import { INT, REAL, TEXT, TIME, tableWithId } from "./columns.js";

/** Strategies and their lifecycle, configuration and its history, LLM exchanges. */
export function governanceTables(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("strategies")
        .addColumn("id", TEXT, (c) => c.primaryKey())
        .addColumn("name", TEXT, (c) => c.notNull())
        .addColumn("status", TEXT, (c) => c.notNull())
        .addColumn("source", TEXT, (c) => c.notNull())
        .addColumn("spec", TEXT, (c) => c.notNull())
        .addColumn("created_at", TIME, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .execute();
      await tableWithId(db, backend, "strategy_transitions")
        .addColumn("strategy_id", TEXT, (c) => c.notNull().references("strategies.id"))
        .addColumn("from_status", TEXT)
        .addColumn("to_status", TEXT, (c) => c.notNull())
        .addColumn("by", TEXT, (c) => c.notNull())
        .addColumn("reason", TEXT, (c) => c.notNull())
        .addColumn("time", TIME, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("strategy_transitions_strategy")
        .on("strategy_transitions")
        .columns(["strategy_id", "id"])
        .execute();

      await db.schema
        .createTable("config_entries")
        .addColumn("key", TEXT, (c) => c.primaryKey())
        .addColumn("value", TEXT, (c) => c.notNull())
        .addColumn("updated_by", TEXT, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .execute();
      await tableWithId(db, backend, "config_changes")
        .addColumn("key", TEXT, (c) => c.notNull())
        .addColumn("old_value", TEXT)
        .addColumn("new_value", TEXT)
        .addColumn("by", TEXT, (c) => c.notNull())
        .addColumn("reason", TEXT, (c) => c.notNull())
        .addColumn("time", TIME, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("config_changes_key").on("config_changes").columns(["key", "id"]).execute();

      await tableWithId(db, backend, "llm_exchanges")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("role", TEXT, (c) => c.notNull())
        .addColumn("model", TEXT, (c) => c.notNull())
        .addColumn("prompt", TEXT, (c) => c.notNull())
        .addColumn("response", TEXT)
        .addColumn("latency_ms", REAL, (c) => c.notNull())
        .addColumn("prompt_tokens", INT)
        .addColumn("completion_tokens", INT)
        .addColumn("cost_usd", REAL)
        .addColumn("error", TEXT)
        .addColumn("decision_key", TEXT)
        .execute();
      await db.schema.createIndex("llm_exchanges_time").on("llm_exchanges").column("time").execute();
    },
  };
}
