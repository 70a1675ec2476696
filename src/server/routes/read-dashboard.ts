import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/**
 * The dashboard's folder: plain HTML, ES modules and CSS, served as they are (no build step for the user). From
 * `src/server/routes` it is `src/web`; `npm run build` copies it to `dist/web`, found from `dist/server/routes` and
 * from the CLI bundle in `dist/bundle`.
 */
export function dashboardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, "..", "..", "web"),
    join(here, "..", "web"),
    join(here, "..", "..", "..", "src", "web"),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, "index.html")));
  if (!found) throw new Error(`the dashboard files are missing (looked in ${candidates.join(", ")})`);
  return found;
}

/** lightweight-charts' standalone ES module build, served from the installed package. */
function chartsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("lightweight-charts/package.json")), "dist");
}

/** GET /dashboard/ (and / redirects there): the dashboard, and its one library under /dashboard/vendor/. */
export function dashboardRoutes(app: FastifyInstance): void {
  app.register(fastifyStatic, {
    root: dashboardDir(),
    prefix: "/dashboard/",
    index: "index.html",
    // Tests and the page itself are the only things that live here; nothing else may be listed or served.
    allowedPath: (path) => !path.endsWith(".test.ts"),
  });
  app.register(fastifyStatic, {
    root: chartsDir(),
    prefix: "/dashboard/vendor/",
    decorateReply: false,
    allowedPath: (path) => path === "/lightweight-charts.standalone.production.mjs",
  });
  app.get("/", { config: { access: "read" } }, (_request, reply) => reply.redirect("/dashboard/"));
  app.get("/dashboard", { config: { access: "read" } }, (_request, reply) => reply.redirect("/dashboard/"));
}
