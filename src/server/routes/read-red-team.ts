import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import {
  auditEntries,
  blacklistedSpecs,
  debateEntries,
  RED_TEAM_KINDS,
  type RedTeamEntry,
  transitionVerdicts,
} from "../red-team-log.js";
import type { RouteTable } from "../route.js";
import { pageQuery, requireStore } from "./read-common.js";

/**
 * The red-team audit log: every validation-gate verdict with its numbers (the evolver's and the LLM layer's lifecycle
 * moves, each debate round the red team judged, the shadow promotion's significance test), the auditor's audits, the
 * debates, and the blacklisted specs with their reasons. Newest first; read-only.
 */
export function redTeamRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/red-team",
    summary:
      "Red-team audit log newest first: gate verdicts with their numbers, auditor audits, debates; and blacklisted specs with their reasons",
    tags: ["read", "red-team"],
    access: "read",
    query: z
      .object({
        strategy: z.string().trim().min(1).max(200).optional().describe("strategy id or the start of it"),
        verdict: z.enum(["passed", "failed"]).optional(),
        kind: z.enum(RED_TEAM_KINDS).optional(),
        ...pageQuery,
      })
      .strict(),
    handler: async ({ query }) => {
      const store = requireStore(ctx);
      const take = query.offset + query.limit + 1;
      const filter = {
        take,
        ...(query.strategy !== undefined ? { strategy: query.strategy } : {}),
        ...(query.verdict !== undefined ? { verdict: query.verdict } : {}),
      };
      const wanted = (kind: RedTeamEntry["kind"]) => query.kind === undefined || query.kind === kind;
      const [verdicts, debates, audits, blacklist] = await Promise.all([
        wanted("gates") ? transitionVerdicts(store, filter) : [],
        wanted("gates") || wanted("debate") ? debateEntries(store, filter) : [],
        wanted("audit") ? auditEntries(store, filter) : [],
        blacklistedSpecs(store, ctx.reportDirs, {
          take: query.limit,
          ...(query.strategy !== undefined ? { strategy: query.strategy } : {}),
        }),
      ]);
      // Each source gave its newest `offset + limit + 1` after the same filters, so the merged page is exact.
      const all = [...verdicts, ...debates.filter((e) => wanted(e.kind)), ...audits].sort(
        (a, b) => b.time - a.time || order(a) - order(b),
      );
      return {
        entries: all.slice(query.offset, query.offset + query.limit),
        offset: query.offset,
        limit: query.limit,
        more: all.length > query.offset + query.limit,
        blacklist,
      };
    },
  });
}

/** Within one instant: a debate before its rounds, rounds in order, then lifecycle moves, then audits. */
const order = (e: RedTeamEntry) =>
  e.kind === "debate" ? 0 : e.debateId !== undefined ? 1 : e.kind === "gates" ? 2 : 3;
