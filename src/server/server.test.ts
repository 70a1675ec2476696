import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ApiContext } from "./context.js";
import { type ApiServer, createApiServer } from "./server.js";

const ctx: ApiContext = { store: undefined, session: undefined, reportDirs: [], dataDir: "/nonexistent", now: () => 0 };

describe("API server skeleton", () => {
  let server: ApiServer | undefined;
  afterEach(async () => server?.close());

  it("validates with the route's zod schema, names the bad field, and documents the same schema in OpenAPI", async () => {
    server = createApiServer(ctx, [
      (app, routes) =>
        routes.add(app, {
          method: "GET",
          url: "/api/echo/:symbol",
          summary: "Echo",
          tags: ["test"],
          access: "read",
          params: z.object({ symbol: z.string().min(1) }),
          query: z.object({ limit: z.coerce.number().int().min(1).max(100) }),
          handler: ({ params, query }) => ({ symbol: params.symbol, limit: query.limit }),
        }),
    ]);
    const ok = await server.app.inject({ url: "/api/echo/BTC?limit=5" });
    expect(ok.json()).toEqual({ symbol: "BTC", limit: 5 });
    const bad = await server.app.inject({ url: "/api/echo/BTC?limit=500" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("query.limit");
    const doc = (await server.app.inject({ url: "/api/openapi.json" })).json();
    const operation = doc.paths["/api/echo/{symbol}"].get;
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      "path:symbol",
      "query:limit",
    ]);
    expect(operation.parameters[1].schema.maximum).toBe(100);
  });

  it("answers an unknown path with 404 and a malformed JSON body with 400, never a stack trace", async () => {
    server = createApiServer(ctx, [
      (app, routes) =>
        routes.add(app, {
          method: "POST",
          url: "/api/thing",
          summary: "Thing",
          tags: ["test"],
          access: "write",
          body: z.object({ value: z.number() }),
          handler: ({ body }) => body,
        }),
    ]);
    expect((await server.app.inject({ url: "/api/nothing" })).statusCode).toBe(404);
    const malformed = await server.app.inject({
      method: "POST",
      url: "/api/thing",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).not.toContain("at ");
    const wrong = await server.app.inject({ method: "POST", url: "/api/thing", payload: { value: "x" } });
    expect(wrong.json().field).toBe("body.value");
  });
});
