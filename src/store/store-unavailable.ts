/** Node socket errors that mean the database server cannot be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENOSPC",
]);

/**
 * True when a write failed because the store is away (server down, connection lost, disk full, database locked
 * for too long) rather than because the write itself is wrong: only the first kind is spooled and retried.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL SQLSTATE: 08 connection exception, 53 insufficient resources (disk full), 57P0x shutdown.
    if (/^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code)) return true;
    if (/^SQLITE_(FULL|IOERR|BUSY|CANTOPEN|READONLY|LOCKED)/.test(code)) return true;
  }
  return /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended/i.test(
    error.message,
  );
}
