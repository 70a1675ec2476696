import type { Kysely, Migration } from "kysely";
import { TEXT } from "./columns.js";

/**
 * A lifecycle transition's evidence as data (issue 8): the gates with value and threshold and the figures a
 * machine's move cites, as JSON beside the reason text, so the evolution page reads numbers instead of parsing
 * prose. Rows written before stay null; the API parses their reason as before.
 */
export function transitionNumbersColumn(): Migration {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on a schema that is still being built
    async up(db: Kysely<any>) {
      await db.schema.alterTable("strategy_transitions").addColumn("numbers", TEXT).execute();
    },
  };
}
