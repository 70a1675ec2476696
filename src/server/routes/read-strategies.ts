import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { STRATEGY_STATUSES } from "../../store/repositories/strategies.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { notFound, requireStore } from "./read-common.js";

/** Strategies and their lifecycle (generated → validated → shadow → approved → live → retired) with its history. */
export function strategyRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/strategies",
    summary: "Strategies with their lifecycle status",
    tags: ["read"],
    access: "read",
    query: z.object({ status: z.enum(STRATEGY_STATUSES).optional() }).strict(),
    handler: async ({ query }) => ({ strategies: await requireStore(ctx).strategies.list(query.status) }),
  });

  routes.add(app, {
    method: "GET",
    url: "/api/strategies/:id",
    summary: "One strategy with its spec and every lifecycle transition (who, when, why)",
    tags: ["read"],
    access: "read",
    params: z.object({ id: z.string().min(1).max(200) }),
    handler: async ({ params }, reply) => {
      const store = requireStore(ctx);
      const strategy = await store.strategies.get(params.id);
      if (!strategy) return notFound(reply, `strategy ${params.id}`);
      return { strategy, transitions: await store.strategies.transitions(params.id) };
    },
  });
}
