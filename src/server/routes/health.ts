import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";

/** Liveness (the process answers), readiness (every registered component) and Prometheus metrics. */
export function healthRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  const started = ctx.now();
  routes.add(app, {
    method: "GET",
    url: "/api/health",
    summary: "The process is up",
    tags: ["health"],
    access: "read",
    handler: () => ({
      ok: true,
      uptimeSeconds: Math.round((ctx.now() - started) / 1000),
      live: ctx.status !== undefined,
    }),
  });
  routes.add(app, {
    method: "GET",
    url: "/api/ready",
    summary: "Readiness of every feed, venue, store, alert channel and AI source (503 when one is not ok)",
    tags: ["health"],
    access: "read",
    handler: async (_input, reply) => {
      const report = ctx.readiness ? await ctx.readiness.report() : { ready: true, components: [] };
      return reply.code(report.ready ? 200 : 503).send(report);
    },
  });
  routes.add(app, {
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics: decision latency, orders, fills, rejections by layer, feed lag, API latency, memory",
    tags: ["health"],
    access: "read",
    handler: (_input, reply) => {
      if (!ctx.metrics) return reply.code(404).send({ error: "this server keeps no metrics" });
      return reply.type("text/plain; version=0.0.4; charset=utf-8").send(ctx.metrics.registry.render());
    },
  });
}
