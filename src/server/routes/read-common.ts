import type { FastifyReply } from "fastify";
import { type Expression, sql } from "kysely";
import { z } from "zod";
import type { StoreSession } from "../../store/store.js";
import type { ApiContext } from "../context.js";

/** A thrown answer with a status code other than 400 (the error handler passes 4xx messages through). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The store, or a 503 that says why there is none (a memory-only session). */
export function requireStore(ctx: ApiContext): StoreSession {
  if (ctx.store === undefined)
    throw new HttpError(503, "no store: this session keeps nothing on disk (--store memory)");
  return ctx.store;
}

/** Unix ms or ISO 8601 in a query string. */
export const instant = z.union([
  z.coerce.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

/** Rows of the session: the runtime prefixes decision keys and names orders and trades after it. */
export function sessionFilter(ctx: ApiContext) {
  const session = ctx.session;
  return {
    session,
    decisionKeyPrefix: session === undefined ? undefined : `${session}|`,
    owner: session,
  };
}

/**
 * The decision key as an expression no index matches, for the session's prefix range: with the bare column, SQLite
 * reads the session's rows through the key's unique index and then sorts all of them by time (a temp B-tree, ~20 ms
 * per page on a day of decisions); this way it walks the time index newest first and stops after one page.
 */
export function unindexedDecisionKey(): Expression<string> {
  return sql<string>`(${sql.ref("decisionKey")} || '')`;
}

export function notFound(reply: FastifyReply, what: string) {
  return reply.code(404).send({ error: `${what} not found` });
}

/** JSON columns hold text; a row written by an older version may not parse, which must not fail the whole page. */
export function parseJsonColumn<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
