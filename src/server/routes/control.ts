import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { ControlConflict, type SessionControl } from "../session-control.js";

/** Who acts and why, in every control's body; unknown fields are refused by name. */
const actor = {
  by: z.string().trim().min(1, "say who acts: the record keeps the name").max(100),
  reason: z.string().trim().max(500).default("from the API"),
};
const actorBody = z.object(actor).strict();
const strategyParams = z.object({ id: z.string().min(1).max(200) }).strict();

/** The live session's controls, or 409: `aegis serve` shows a store and has nothing to control. */
export function liveControl(ctx: ApiContext): SessionControl {
  if (!ctx.control) throw new ControlConflict("no live session: this server shows a store read-only (aegis serve)");
  return ctx.control;
}

/** Pause, resume, stop, kill switch reset, macro risk clear, strategy approval and retirement. Every one is `write`. */
export function controlRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  const tags = ["control"];
  routes.add(app, {
    method: "POST",
    url: "/api/control/pause",
    summary: "Pause new entries (exits, stops and take-profits still run)",
    tags,
    access: "write",
    body: actorBody,
    handler: ({ body }) => liveControl(ctx).pause(body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/control/resume",
    summary: "Resume new entries after a pause",
    tags,
    access: "write",
    body: actorBody,
    handler: ({ body }) => liveControl(ctx).resume(body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/control/stop",
    summary: "Emergency stop as `aegis stop`: halt, cancel orders that would open risk, optionally flatten, then exit",
    tags,
    access: "write",
    body: z.object({ ...actor, flatten: z.boolean().default(false) }).strict(),
    handler: ({ body }) => liveControl(ctx).stop(body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/control/kill-switch/reset",
    summary: "Reset the kill switch latch, as `aegis risk reset`",
    tags,
    access: "write",
    body: actorBody,
    handler: ({ body }) => liveControl(ctx).resetKillSwitch(body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/control/macro-risk/clear",
    summary: "Clear global risk HIGH set by the macro layer, as `aegis risk clear-macro`",
    tags,
    access: "write",
    body: actorBody,
    handler: ({ body }) => liveControl(ctx).clearMacroRisk(body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/strategies/:id/approve",
    summary: "Approve a validated (or shadow) strategy; the transition is recorded with who, when and why",
    tags,
    access: "write",
    params: strategyParams,
    body: actorBody,
    handler: ({ params, body }) => liveControl(ctx).approveStrategy(params.id, body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/strategies/:id/retire",
    summary: "Retire a strategy; the transition is recorded with who, when and why",
    tags,
    access: "write",
    params: strategyParams,
    body: actorBody,
    handler: ({ params, body }) => liveControl(ctx).retireStrategy(params.id, body),
  });
}

export { actor as actorFields };
