import type { Kysely, Migration } from "kysely";
import type { Backend } from "../database.js";
import { INT, REAL, TEXT, TIME, tableWithId } from "./columns.js";

/** The learning tables of Algo Trading Lab's ai_learning.db, for the AI layers to fill. */
export function learningTables(backend: Backend): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await tableWithId(db, backend, "learning_trades")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("action", TEXT, (c) => c.notNull())
        .addColumn("entry_price", REAL, (c) => c.notNull())
        .addColumn("exit_price", REAL)
        .addColumn("pnl", REAL)
        .addColumn("pnl_pct", REAL)
        .addColumn("regime", TEXT)
        .addColumn("strategy_id", TEXT)
        .addColumn("indicators", TEXT, (c) => c.notNull())
        .addColumn("outcome", TEXT)
        .execute();
      await tableWithId(db, backend, "strategy_performance")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("strategy_id", TEXT, (c) => c.notNull())
        .addColumn("regime", TEXT)
        .addColumn("trades", INT, (c) => c.notNull())
        .addColumn("win_rate", REAL)
        .addColumn("avg_pnl", REAL)
        .addColumn("sharpe_ratio", REAL)
        .addColumn("max_drawdown", REAL)
        .addColumn("profit_factor", REAL)
        .execute();
      await tableWithId(db, backend, "optimization_results")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("regime", TEXT)
        .addColumn("strategy_id", TEXT)
        .addColumn("parameters", TEXT, (c) => c.notNull())
        .addColumn("sharpe_ratio", REAL)
        .addColumn("win_rate", REAL)
        .addColumn("detail", TEXT)
        .execute();
      await tableWithId(db, backend, "evolved_strategies")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("generation", INT, (c) => c.notNull())
        .addColumn("fitness", REAL, (c) => c.notNull())
        .addColumn("genes", TEXT, (c) => c.notNull())
        .addColumn("regime", TEXT)
        .addColumn("is_active", INT, (c) => c.notNull())
        .execute();
      await tableWithId(db, backend, "rl_experiences")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("agent", TEXT, (c) => c.notNull())
        .addColumn("state", TEXT, (c) => c.notNull())
        .addColumn("action", INT, (c) => c.notNull())
        .addColumn("reward", REAL, (c) => c.notNull())
        .addColumn("next_state", TEXT, (c) => c.notNull())
        .addColumn("done", INT, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("rl_experiences_agent").on("rl_experiences").columns(["agent", "id"]).execute();
      await tableWithId(db, backend, "regime_transitions")
        .addColumn("time", TIME, (c) => c.notNull())
        .addColumn("symbol", TEXT, (c) => c.notNull())
        .addColumn("from_regime", TEXT)
        .addColumn("to_regime", TEXT, (c) => c.notNull())
        .addColumn("indicators", TEXT, (c) => c.notNull())
        .execute();
    },
  };
}
