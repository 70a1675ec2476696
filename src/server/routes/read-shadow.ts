import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { notFound, requireStore } from "./read-common.js";

/**
 * Shadow trading beside the live strategy (the runner in `aegis trade`): every candidate's figures next to the live
 * session's over the same bars, its paper trades and both equity curves. The snapshot a restart resumes from stays
 * out: it is the runner's, not a reader's.
 */
export function shadowRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/shadow",
    summary:
      "Shadow candidates of this session: return and Sharpe beside the live strategy's, and the promotion verdict",
    tags: ["read"],
    access: "read",
    handler: async () => {
      const runs = await requireStore(ctx).shadow.runs(ctx.session === undefined ? {} : { session: ctx.session });
      return { runs: runs.map(({ state: _state, ...run }) => run) };
    },
  });

  routes.add(app, {
    method: "GET",
    url: "/api/shadow/:strategyId",
    summary: "One shadow candidate: its figures, paper trades and equity beside the live session's",
    tags: ["read"],
    access: "read",
    params: z.object({ strategyId: z.string().min(1).max(200) }),
    handler: async ({ params }, reply) => {
      const store = requireStore(ctx);
      const session = ctx.session === undefined ? {} : { session: ctx.session };
      const [run] = await store.shadow.runs({ ...session, strategyId: params.strategyId });
      if (!run) return notFound(reply, `shadow candidate ${params.strategyId}`);
      const { state: _state, ...figures } = run;
      return {
        run: figures,
        trades: await store.shadow.trades(params.strategyId, ctx.session),
        equity: await store.shadow.equity(params.strategyId, ctx.session),
      };
    },
  });
}
