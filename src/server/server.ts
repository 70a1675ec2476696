import Fastify, { type FastifyInstance } from "fastify";
import { type AuthOptions, installAuth } from "./auth.js";
import type { ApiContext } from "./context.js";
import { BadRequest, RouteTable } from "./route.js";
import { ConfigRejected, ControlConflict, ControlNotFound } from "./session-control.js";

export interface ServerOptions {
  /** 127.0.0.1 unless configured otherwise: the API controls a trading bot. */
  readonly host?: string;
  /** 0 = a free port. */
  readonly port?: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: number;
  /** The token that guards write routes (and read routes with `protectReads`); absent = no guard (tests only). */
  readonly auth?: AuthOptions;
}

/** A function that declares a group of routes (status, portfolio, controls …) on the table. */
export type RouteGroup = (app: FastifyInstance, routes: RouteTable, ctx: ApiContext) => void;

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly routes: RouteTable;
  /** Starts listening; resolves to the base URL (http://127.0.0.1:PORT). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The API's Fastify instance with its error contract: every 4xx names what is wrong, nothing else leaks. */
export function createApiServer(
  ctx: ApiContext,
  groups: readonly RouteGroup[],
  options: ServerOptions = {},
): ApiServer {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 64 * 1024 });
  const routes = new RouteTable();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof BadRequest || error instanceof ConfigRejected)
      return reply.code(400).send({ error: error.message, field: error.field });
    if (error instanceof ControlConflict) return reply.code(409).send({ error: error.message });
    if (error instanceof ControlNotFound) return reply.code(404).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    // 503 says what is unavailable (no store, no live session); other 5xx say nothing about the inside.
    if (status !== undefined && status >= 400 && (status < 500 || status === 503)) {
      return reply.code(status).send({ error: (error as Error).message });
    }
    return reply.code(500).send({ error: "internal error" });
  });
  if (options.auth) installAuth(app, options.auth);
  const requestSeconds = ctx.metrics?.requestSeconds;
  if (requestSeconds)
    app.addHook("onResponse", async (request, reply) => {
      // The route pattern, not the URL: one series per endpoint, however many symbols are asked for.
      const route = request.routeOptions.url ?? "unmatched";
      requestSeconds.observe(reply.elapsedTime / 1000, {
        route,
        method: request.method,
        code: String(reply.statusCode),
      });
    });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: "not found" }));
  for (const group of groups) group(app, routes, ctx);
  // The table is complete once the groups ran: the description is built once, on its first request.
  let openApi: Record<string, unknown> | undefined;
  app.get("/api/openapi.json", async () => {
    openApi ??= routes.openApi({ title: "Aegis API", version: "1" });
    return openApi;
  });
  return {
    app,
    routes,
    async listen() {
      return app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
    },
    close: () => app.close(),
  };
}
