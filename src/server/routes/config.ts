import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { redactConfig } from "../config-changes.js";
import type { ApiContext } from "../context.js";
import type { RouteTable } from "../route.js";
import { ControlNotFound } from "../session-control.js";
import { actorFields, liveControl } from "./control.js";

/** The configuration (secrets redacted), its change history, a change, a rollback. */
export function configRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  const tags = ["configuration"];
  const view = () => {
    if (!ctx.config) throw new ControlNotFound("this server has no configuration to show");
    return ctx.config;
  };
  routes.add(app, {
    method: "GET",
    url: "/api/config",
    summary: "The configuration in force (file, environment and API changes), secrets redacted",
    tags,
    access: "read",
    handler: async () => ({
      source: view().source,
      appliesAt: "changes take effect when `aegis trade` next starts",
      config: redactConfig(await view().current()),
    }),
  });
  routes.add(app, {
    method: "GET",
    url: "/api/config/history",
    summary: "Every configuration change: who, when, old value, new value, why",
    tags,
    access: "read",
    handler: async () => ({ changes: await view().history() }),
  });
  routes.add(app, {
    method: "PUT",
    url: "/api/config",
    summary: "Change one configuration value, validated by the configuration schema (400 names the field)",
    tags,
    access: "write",
    body: z
      .object({
        path: z.string().min(1).max(200),
        value: z.unknown().refine((v) => v !== undefined, "give the new value"),
        ...actorFields,
      })
      .strict(),
    handler: ({ body }) => liveControl(ctx).changeConfig(body.path, body.value, body),
  });
  routes.add(app, {
    method: "POST",
    url: "/api/config/rollback",
    summary: "Put back the value a change replaced; the rollback is itself a recorded change",
    tags,
    access: "write",
    body: z.object({ changeId: z.number().int().positive(), ...actorFields }).strict(),
    handler: ({ body }) => liveControl(ctx).rollbackConfig(body.changeId, body),
  });
}
