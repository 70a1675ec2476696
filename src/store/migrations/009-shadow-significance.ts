import type { Kysely, Migration } from "kysely";
import { INT, REAL } from "./columns.js";

/**
 * The shadow candidate's paired test against the live account (issue 10): its p-value on daily returns and the
 * number of days compared, stored with its latest figures so `aegis strategies show` and /api/shadow show it.
 * Both are null/0 on rows written before (no test had been run).
 */
export function shadowSignificanceColumns(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await db.schema.alterTable("shadow_runs").addColumn("p_value", REAL).execute();
      await db.schema
        .alterTable("shadow_runs")
        .addColumn("paired_days", INT, (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
