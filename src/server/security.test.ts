import { afterEach, describe, expect, it } from "vitest";
import type { ApiContext } from "./context.js";
import { apiRouteGroups } from "./route-groups.js";
import { type ApiServer, createApiServer } from "./server.js";

const token = "0123456789abcdef".repeat(4);
const ctx: ApiContext = { store: undefined, session: undefined, reportDirs: [], dataDir: "/nonexistent", now: () => 0 };
/** A body each write route would accept, so that only the token decides. */
const validBody: Record<string, unknown> = {
  "/api/config": { path: "risk.enabled", value: true, by: "x" },
  "/api/config/rollback": { changeId: 1, by: "x" },
  "/api/control/stop": { by: "x", flatten: false },
};
const concrete = (url: string) => url.replace(":id", "s1");

describe("API security", () => {
  let server: ApiServer | undefined;
  afterEach(async () => server?.close());
  const start = (protectReads = false, bodyLimit = 64 * 1024) => {
    server = createApiServer(ctx, apiRouteGroups(), { auth: { token, protectReads }, bodyLimit });
    return server;
  };

  it("answers 401 on every state-changing route without a token and with a wrong one, before validating anything", async () => {
    const s = start();
    const writes = s.routes.specs.filter((r) => r.access === "write");
    expect(writes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      "POST /api/config/rollback",
      "POST /api/control/kill-switch/reset",
      "POST /api/control/macro-risk/clear",
      "POST /api/control/pause",
      "POST /api/control/resume",
      "POST /api/control/stop",
      "POST /api/strategies/:id/approve",
      "POST /api/strategies/:id/retire",
      "PUT /api/config",
    ]);
    for (const route of writes) {
      const request = { method: route.method, url: concrete(route.url), payload: validBody[route.url] ?? { by: "x" } };
      const none = await s.app.inject(request);
      expect(none.statusCode, `${route.url} without token`).toBe(401);
      const wrong = await s.app.inject({ ...request, headers: { authorization: `Bearer ${token.slice(0, -1)}0` } });
      expect(wrong.statusCode, `${route.url} with a wrong token`).toBe(401);
      expect(wrong.json()).toEqual({ error: "wrong token" });
      const basic = await s.app.inject({ ...request, headers: { authorization: `Basic ${token}` } });
      expect(basic.statusCode, `${route.url} with another scheme`).toBe(401);
      // An unauthenticated bad body is still a 401: nothing about the body's shape leaks.
      expect((await s.app.inject({ ...request, payload: { nonsense: 1 } })).statusCode).toBe(401);
      // With the token it passes the guard; `aegis serve` has no live session to control.
      const right = await s.app.inject({ ...request, headers: { authorization: `Bearer ${token}` } });
      expect(right.statusCode, `${route.url} with the token`).toBe(409);
      expect(right.json().error).toMatch(/no live session/);
    }
  });

  it("refuses an oversized body with 413, malformed JSON with 400, an unknown or missing field with 400 naming it", async () => {
    const s = start(false, 2048);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const big = await s.app.inject({
      method: "POST",
      url: "/api/control/pause",
      headers,
      payload: JSON.stringify({ by: "x", reason: "y".repeat(4096) }),
    });
    expect(big.statusCode).toBe(413);
    const malformed = await s.app.inject({ method: "POST", url: "/api/control/pause", headers, payload: '{"by": "x"' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).not.toMatch(/\bat \w+ \(/);
    const unknown = await s.app.inject({
      method: "POST",
      url: "/api/control/stop",
      headers,
      payload: JSON.stringify({ by: "x", flaten: true }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe("body.flaten");
    const missing = await s.app.inject({ method: "POST", url: "/api/control/pause", headers, payload: "{}" });
    expect(missing.json()).toMatchObject({ field: "body.by" });
    const wrongType = await s.app.inject({
      method: "POST",
      url: "/api/config/rollback",
      headers,
      payload: JSON.stringify({ by: "x", changeId: "1" }),
    });
    expect(wrongType.json().field).toBe("body.changeId");
  });

  it("keeps read routes open by default and guards them with protectReads, health and the dashboard's files excepted", async () => {
    const open = start();
    expect((await open.app.inject({ url: "/api/ready" })).statusCode).toBe(200);
    await open.close();
    const guarded = start(true);
    expect((await guarded.app.inject({ url: "/api/ready" })).statusCode).toBe(401);
    expect((await guarded.app.inject({ url: "/api/openapi.json" })).statusCode).toBe(401);
    expect((await guarded.app.inject({ url: "/api/health" })).statusCode).toBe(200);
    // The page itself holds no data and a browser cannot send a token on a page load: it stays reachable.
    expect((await guarded.app.inject({ url: "/dashboard/" })).statusCode).toBe(200);
    expect((await guarded.app.inject({ url: "/dashboard/app.js" })).statusCode).toBe(200);
    const withToken = await guarded.app.inject({ url: "/api/ready", headers: { authorization: `Bearer ${token}` } });
    expect(withToken.statusCode).toBe(200);
  });

  it("binds 127.0.0.1 by default and enforces the token over real HTTP too", async () => {
    const s = start();
    const url = await s.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const none = await fetch(`${url}/api/control/pause`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="aegis"');
  });

  it("documents every write route as bearer-protected in the OpenAPI description", async () => {
    const s = start();
    const doc = (await s.app.inject({ url: "/api/openapi.json" })).json();
    expect(doc.paths["/api/control/stop"].post.security).toEqual([{ bearer: [] }]);
    expect(
      doc.paths["/api/control/stop"].post.requestBody.content["application/json"].schema.properties.flatten.type,
    ).toBe("boolean");
    expect(doc.paths["/api/config"].get.security).toBeUndefined();
  });
});
