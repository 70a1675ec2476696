import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.js";
import { type ApiServer, createApiServer } from "../server.js";
import { dashboardRoutes } from "./read-dashboard.js";

describe("dashboard files", () => {
  let server: ApiServer;
  beforeAll(() => {
    const ctx: ApiContext = {
      store: undefined,
      session: undefined,
      reportDirs: [],
      dataDir: "/nonexistent",
      now: () => 0,
    };
    server = createApiServer(ctx, [(app) => dashboardRoutes(app)]);
  });
  afterAll(async () => server?.close());

  it("redirects / to the dashboard and serves its page and modules", async () => {
    const root = await server.app.inject({ url: "/" });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe("/dashboard/");
    const page = await server.app.inject({ url: "/dashboard/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script type="module" src="./app.js">');
    const module = await server.app.inject({ url: "/dashboard/pages/overview.js" });
    expect(module.headers["content-type"]).toContain("javascript");
  });

  it("serves lightweight-charts' standalone module and nothing else of the package, and never the tests", async () => {
    const charts = await server.app.inject({ url: "/dashboard/vendor/lightweight-charts.standalone.production.mjs" });
    expect(charts.statusCode).toBe(200);
    expect(charts.headers["content-type"]).toContain("javascript");
    expect((await server.app.inject({ url: "/dashboard/vendor/typings.d.ts" })).statusCode).toBe(404);
    expect((await server.app.inject({ url: "/dashboard/vendor/../package.json" })).statusCode).toBe(404);
    expect((await server.app.inject({ url: "/dashboard/dashboard.browser.test.ts" })).statusCode).toBe(404);
    expect((await server.app.inject({ url: "/dashboard/..%2F..%2Fpackage.json" })).statusCode).toBe(404);
  });
});
