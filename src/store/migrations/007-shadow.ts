import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";
import { INT, REAL, TEXT, TIME, tableWithId } from "./columns.js";

/**
 * Shadow trading beside a live session (issue 10): each candidate's last committed state (what a restart resumes
 * from) with its latest figures, its paper trades, and its equity next to the live account's at every step.
 */
export function shadowTables(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("shadow_runs")
        .addColumn("session", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT, (c) => c.notNull())
        .addColumn("state", TEXT, (c) => c.notNull())
        .addColumn("step_close", TIME, (c) => c.notNull())
        .addColumn("iterations", INT, (c) => c.notNull())
        .addColumn("equity", REAL, (c) => c.notNull())
        .addColumn("roi", REAL, (c) => c.notNull())
        .addColumn("sharpe", REAL)
        .addColumn("live_roi", REAL, (c) => c.notNull())
        .addColumn("live_sharpe", REAL)
        .addColumn("ready", INT, (c) => c.notNull())
        .addColumn("verdict", TEXT, (c) => c.notNull())
        .addColumn("updated_at", TIME, (c) => c.notNull())
        .addPrimaryKeyConstraint("shadow_runs_pk", ["session", "strategy_id"])
        .execute();

      await tableWithId(db, backend, "shadow_trades")
        .addColumn("trade_id", TEXT, (c) => c.notNull().unique())
        .addColumn("session", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT, (c) => c.notNull())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("side", TEXT, (c) => c.notNull())
        .addColumn("qty", REAL, (c) => c.notNull())
        .addColumn("entry_time", TIME, (c) => c.notNull())
        .addColumn("entry_price", REAL, (c) => c.notNull())
        .addColumn("exit_time", TIME, (c) => c.notNull())
        .addColumn("exit_price", REAL, (c) => c.notNull())
        .addColumn("pnl", REAL, (c) => c.notNull())
        .addColumn("fees", REAL, (c) => c.notNull())
        .addColumn("exit_reason", TEXT)
        .execute();
      await db.schema
        .createIndex("shadow_trades_strategy")
        .on("shadow_trades")
        .columns(["strategy_id", "id"])
        .execute();

      await tableWithId(db, backend, "shadow_equity")
        .addColumn("session", TEXT, (c) => c.notNull())
        .addColumn("strategy_id", TEXT, (c) => c.notNull())
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("equity", REAL, (c) => c.notNull())
        .addColumn("live_equity", REAL, (c) => c.notNull())
        .addUniqueConstraint("shadow_equity_step", ["session", "strategy_id", "time"])
        .execute();
    },
  };
}
