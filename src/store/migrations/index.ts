import type { Migration, MigrationProvider } from "kysely";
import type { Backend } from "../database.js";
import { tradingTables } from "./001-trading.js";
import { governanceTables } from "./002-governance.js";
import { learningTables } from "./003-learning.js";
import { sessionTables } from "./004-sessions.js";
import { debateTables } from "./005-debates.js";
import { contextTables } from "./006-context.js";
import { shadowTables } from "./007-shadow.js";
import { readIndexes } from "./008-read-indexes.js";
import { shadowSignificanceColumns } from "./009-shadow-significance.js";
import { transitionNumbersColumn } from "./010-transition-numbers.js";

/**
 * The versioned migrations, in code rather than files read at run time, so the built `dist/` and the tests run
 * the same ones. Names sort in the order they apply; a released migration is never edited, only followed.
 */
export function migrationsFor(backend: Backend): MigrationProvider {
  const migrations: Record<string, Migration> = {
    "001-trading": tradingTables(backend),
    "002-governance": governanceTables(backend),
    "003-learning": learningTables(backend),
    "004-sessions": sessionTables(backend),
    "005-debates": debateTables(backend),
    "006-context": contextTables(backend),
    "007-shadow": shadowTables(backend),
    "008-read-indexes": readIndexes(backend),
    "009-shadow-significance": shadowSignificanceColumns(),
    "010-transition-numbers": transitionNumbersColumn(),
  };
  return { getMigrations: async () => migrations };
}
