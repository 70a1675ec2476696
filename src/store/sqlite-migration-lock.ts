import type BetterSqlite3 from "better-sqlite3";

/** How long an opener waits for another process's migrations of the same SQLite file. */
const LOCK_WAIT_MS = 30_000;
const RETRY_MS = 20;

/**
 * Runs `migrate` holding SQLite's write lock (one IMMEDIATE transaction around every migration). Kysely takes no
 * migration lock on SQLite (it assumes one connection), so two processes opening a new store at once — the bot
 * creating it while `aegis stop` or `aegis status` looks into it — both ran the pending migrations, and the second
 * failed on a table the first had just made ("table orders already exists"), which stopped the bot with exit 1.
 * Under the lock the second opener waits, then finds every migration done. The wait is asynchronous (no busy
 * handler blocking the thread), so two openers in one process interleave too. `pending` says whether there is any
 * migration to run: a store already up to date is opened without taking the write lock (read-only media stay
 * readable).
 */
export async function migrateUnderLock(
  sqlite: BetterSqlite3.Database,
  pending: () => Promise<boolean>,
  migrate: () => Promise<void>,
): Promise<void> {
  if (!(await pending())) return;
  await beginImmediate(sqlite);
  try {
    await migrate();
    sqlite.exec("COMMIT");
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    throw error;
  }
}

async function beginImmediate(sqlite: BetterSqlite3.Database): Promise<void> {
  const busyTimeout = sqlite.pragma("busy_timeout", { simple: true }) as number;
  const deadline = Date.now() + LOCK_WAIT_MS;
  sqlite.pragma("busy_timeout = 0");
  try {
    for (;;) {
      try {
        sqlite.exec("BEGIN IMMEDIATE");
        return;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const busy = typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
        if (!busy || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
