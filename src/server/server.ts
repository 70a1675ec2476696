import Fastify, { type FastifyInstance } from "fastify";
import type { ApiContext } from "./context.js";
import { BadRequest, RouteTable } from "./route.js";

export interface ServerOptions {
  /** 127.0.0.1 unless configured otherwise: the API controls a trading bot. */
  readonly host?: string;
  /** 0 = a free port. */
  readonly port?: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: number;
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
    if (error instanceof BadRequest) return reply.code(400).send({ error: error.message, field: error.field });
    const status = (error as { statusCode?: number }).statusCode;
    // 503 says what is unavailable (no store, no live session); other 5xx say nothing about the inside.
    if (status !== undefined && status >= 400 && (status < 500 || status === 503)) {
      return reply.code(status).send({ error: (error as Error).message });
    }
    return reply.code(500).send({ error: "internal error" });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: "not found" }));
  for (const group of groups) group(app, routes, ctx);
  app.get("/api/openapi.json", async () => routes.openApi({ title: "Aegis API", version: "1" }));
  return {
    app,
    routes,
    async listen() {
      return app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
    },
    close: () => app.close(),
  };
}
