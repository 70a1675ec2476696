import type { FastifyInstance } from "fastify";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { LlmExchangesTable } from "../../store/database.js";
import type { StoreSession } from "../../store/store.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { instant, notFound, pageQuery, requireStore, sessionFilter } from "./read-common.js";
import { decisionView } from "./read-decisions.js";

/** One exchange in the list: what it cost and how it went, without the (long) prompt and response texts. */
export interface LlmExchangeSummary {
  readonly id: number;
  readonly time: number;
  readonly role: string;
  readonly model: string;
  readonly latencyMs: number;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly costUsd: number | null;
  readonly error: string | null;
  readonly decisionKey: string | null;
}

const SUMMARY_COLUMNS = [
  "id",
  "time",
  "role",
  "model",
  "latencyMs",
  "promptTokens",
  "completionTokens",
  "costUsd",
  "error",
  "decisionKey",
] as const;

/**
 * The session's exchanges: those tied to one of its decisions, and those tied to none (the auditor, the architect
 * run on a schedule, not on a decision). Another session's advice in a shared store stays out, as in the decision log.
 */
function llmQuery(store: StoreSession, ctx: ApiContext) {
  const { decisionKeyPrefix } = sessionFilter(ctx);
  const query = store.db.selectFrom("llmExchanges");
  if (decisionKeyPrefix === undefined) return query;
  return query.where((eb) =>
    eb.or([
      eb("decisionKey", "is", null),
      eb.and([eb("decisionKey", ">=", decisionKeyPrefix), eb("decisionKey", "<", `${decisionKeyPrefix}\uffff`)]),
    ]),
  );
}

const debatesAbsent = "no debates stored: this store keeps no architect/auditor debate transcripts";

/**
 * The language-model layer's record: every prompt and response with role, model, latency, tokens and cost, each
 * beside the decision it influenced; and the architect ↔ auditor debate transcripts. Prompts and responses are
 * model text (untrusted): the API returns them as JSON strings and the dashboard shows them as text.
 */
export function llmRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  const tags = ["read", "llm"];
  routes.add(app, {
    method: "GET",
    url: "/api/llm/exchanges",
    summary: "LLM exchanges (role, model, latency, tokens, cost, error), newest first, without their texts",
    tags,
    access: "read",
    query: z
      .object({
        role: z.string().trim().min(1).max(60).optional(),
        from: instant.optional(),
        to: instant.optional(),
        ...pageQuery,
      })
      .strict()
      .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
        path: ["from"],
        message: "from is after to",
      }),
    handler: async ({ query }) => {
      let sql = llmQuery(requireStore(ctx), ctx).select(SUMMARY_COLUMNS);
      if (query.role !== undefined) sql = sql.where("role", "=", query.role);
      if (query.from !== undefined) sql = sql.where("time", ">=", query.from);
      if (query.to !== undefined) sql = sql.where("time", "<=", query.to);
      const rows = await sql
        .orderBy("time", "desc")
        .orderBy("id", "desc")
        .limit(query.limit + 1)
        .offset(query.offset)
        .execute();
      const exchanges: LlmExchangeSummary[] = rows.slice(0, query.limit);
      return { exchanges, offset: query.offset, limit: query.limit, more: rows.length > query.limit };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/llm/exchanges/:id",
    summary: "One LLM exchange with its prompt, its response and the decision it influenced (votes, verdicts, outcome)",
    tags,
    access: "read",
    params: z.object({ id: z.coerce.number().int().positive() }).strict(),
    handler: async ({ params }, reply) => {
      const store = requireStore(ctx);
      const row: Selectable<LlmExchangesTable> | undefined = await llmQuery(store, ctx)
        .selectAll()
        .where("id", "=", params.id)
        .executeTakeFirst();
      if (!row) return notFound(reply, `LLM exchange ${params.id}`);
      const decision =
        row.decisionKey === null
          ? undefined
          : await store.db
              .selectFrom("decisions")
              .selectAll()
              .where("decisionKey", "=", row.decisionKey)
              .executeTakeFirst();
      return { exchange: row, decision: decision ? decisionView(decision) : null };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/llm/debates",
    summary: "Architect ↔ auditor debates, newest first; `stored: false` when this store keeps none",
    tags,
    access: "read",
    query: z.object(pageQuery).strict(),
    handler: async ({ query }) => {
      if (!ctx.debates) return { stored: false, message: debatesAbsent, debates: [], more: false };
      const rows = await ctx.debates.list({ limit: query.limit + 1, offset: query.offset });
      return { stored: true, debates: rows.slice(0, query.limit), more: rows.length > query.limit };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/llm/debates/:id",
    summary: "One debate's transcript: every round, who spoke and what the gates answered",
    tags,
    access: "read",
    params: z.object({ id: z.coerce.number().int().positive() }).strict(),
    handler: async ({ params }, reply) => {
      if (!ctx.debates) return reply.code(404).send({ error: debatesAbsent });
      const debate = await ctx.debates.get(params.id);
      if (!debate) return notFound(reply, `debate ${params.id}`);
      return { debate };
    },
  });
}
