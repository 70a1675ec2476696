import type { Kysely, Migration } from "kysely";
import { sql } from "kysely";
import type { Backend } from "../database.js";
import { INT, REAL, TEXT, TIME, tableWithId } from "./columns.js";

/** Orders, fills, trades, positions, decisions, equity, the audit log, latches and the id sequences. */
export function tradingTables(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await tableWithId(db, backend, "orders")
        .addColumn("client_order_id", TEXT, (c) => c.notNull().unique())
        .addColumn("venue_order_id", TEXT)
        .addColumn("venue", TEXT)
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("side", TEXT, (c) => c.notNull())
        .addColumn("type", TEXT, (c) => c.notNull())
        .addColumn("qty", REAL, (c) => c.notNull())
        .addColumn("price", REAL)
        .addColumn("stop", REAL)
        .addColumn("status", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT)
        .addColumn("intent_time", TIME, (c) => c.notNull())
        .addColumn("filled_qty", REAL, (c) => c.notNull().defaultTo(0))
        .addColumn("avg_fill_price", REAL)
        .addColumn("reason", TEXT)
        .addColumn("detail", TEXT)
        .addColumn("created_at", TIME, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("orders_status").on("orders").columns(["status", "id"]).execute();
      await db.schema.createIndex("orders_intent_time").on("orders").column("intent_time").execute();

      await tableWithId(db, backend, "fills")
        .addColumn("fill_key", TEXT, (c) => c.notNull().unique())
        .addColumn("client_order_id", TEXT, (c) => c.notNull())
        .addColumn("venue_trade_id", TEXT)
        .addColumn("seq", INT)
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("side", TEXT, (c) => c.notNull())
        .addColumn("qty", REAL, (c) => c.notNull())
        .addColumn("price", REAL, (c) => c.notNull())
        .addColumn("fee", REAL, (c) => c.notNull())
        .addColumn("fee_currency", TEXT)
        .addColumn("time", TIME, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("fills_order").on("fills").columns(["client_order_id", "id"]).execute();

      await tableWithId(db, backend, "trades")
        .addColumn("trade_id", TEXT, (c) => c.notNull().unique())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT)
        .addColumn("side", TEXT, (c) => c.notNull())
        .addColumn("qty", REAL, (c) => c.notNull())
        .addColumn("entry_time", TIME, (c) => c.notNull())
        .addColumn("entry_price", REAL, (c) => c.notNull())
        .addColumn("exit_time", TIME, (c) => c.notNull())
        .addColumn("exit_price", REAL, (c) => c.notNull())
        .addColumn("pnl", REAL, (c) => c.notNull())
        .addColumn("fees", REAL, (c) => c.notNull())
        .addColumn("exit_reason", TEXT)
        .addColumn("detail", TEXT)
        .execute();
      await db.schema.createIndex("trades_exit_time").on("trades").column("exit_time").execute();

      await db.schema
        .createTable("positions")
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT, (c) => c.notNull())
        .addColumn("side", TEXT, (c) => c.notNull())
        .addColumn("qty", REAL, (c) => c.notNull())
        .addColumn("avg_price", REAL, (c) => c.notNull())
        .addColumn("opened_at", TIME, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .addColumn("detail", TEXT)
        .addPrimaryKeyConstraint("positions_pk", ["symbol", "strategy_id"])
        .execute();

      await tableWithId(db, backend, "decisions")
        .addColumn("decision_key", TEXT, (c) => c.notNull().unique())
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT, (c) => c.notNull())
        .addColumn("action", TEXT, (c) => c.notNull())
        .addColumn("outcome", TEXT, (c) => c.notNull())
        .addColumn("reason", TEXT)
        .addColumn("votes", TEXT, (c) => c.notNull())
        .addColumn("verdicts", TEXT, (c) => c.notNull())
        .addColumn("detail", TEXT)
        .execute();
      await db.schema.createIndex("decisions_time").on("decisions").column("time").execute();

      await tableWithId(db, backend, "equity_snapshots")
        .addColumn("time", TIME, (c) => c.notNull().unique())
        .addColumn("equity", REAL, (c) => c.notNull())
        .addColumn("cash", REAL, (c) => c.notNull())
        .addColumn("positions_value", REAL, (c) => c.notNull())
        .addColumn("detail", TEXT)
        .execute();

      await tableWithId(db, backend, "events")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("kind", TEXT, (c) => c.notNull())
        .addColumn("source", TEXT, (c) => c.notNull())
        .addColumn("detail", TEXT, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("events_kind").on("events").columns(["source", "kind", "id"]).execute();
      await appendOnly(db, backend, "events");

      await db.schema
        .createTable("latches")
        .addColumn("key", TEXT, (c) => c.primaryKey())
        .addColumn("value", TEXT, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("sequences")
        .addColumn("name", TEXT, (c) => c.primaryKey())
        .addColumn("value", TIME, (c) => c.notNull())
        .execute();
    },
  };
}

/** The audit log refuses UPDATE and DELETE at the database, not only in the code that writes it. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
async function appendOnly(db: Kysely<any>, backend: Backend, table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (backend === "sqlite") {
    for (const action of ["UPDATE", "DELETE"]) {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${action.toLowerCase()} BEFORE ${action} ON ${table} ` +
            `BEGIN SELECT RAISE(ABORT, '${message}'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS ` +
        `$$ BEGIN RAISE EXCEPTION '${message}'; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table} ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION ${table}_append_only()`,
    )
    .execute(db);
}
