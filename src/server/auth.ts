import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Access } from "./route.js";

/** Thrown when the token file cannot be trusted (others can read it) or is unusable. */
export class TokenFileError extends Error {
  override name = "TokenFileError";
}

export const TOKEN_FILE = "api-token";

/**
 * The API token of a data folder: read from `<dataDir>/api-token`, created on first start (32 random bytes, hex)
 * with owner-only permissions. A file that group or others can read is refused rather than used: anyone who can
 * read it can stop the bot or change its configuration.
 */
export function loadOrCreateToken(dataDir: string): { token: string; file: string; created: boolean } {
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new TokenFileError(
        `${file} can be read by other users (mode ${mode.toString(8).padStart(3, "0")}); ` +
          `run \`chmod 600 ${file}\` (or delete it to get a new token) and start again`,
      );
    const token = readFileSync(file, "utf8").trim();
    if (token.length < 32)
      throw new TokenFileError(`${file} holds no usable token (fewer than 32 characters); delete it to get a new one`);
    return { token, file, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString("hex");
  // `wx`: never overwrite a file another process created meanwhile; mode applies at creation (umask aside)…
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  // …and chmod makes it exact whatever the umask.
  chmodSync(file, 0o600);
  return { token, file, created: true };
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether `given` is the token, in time that does not depend on how much of it matches: both sides are hashed to
 * equal-length digests first, so neither the length nor a matching prefix shows in the timing.
 */
export function tokenMatches(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

/** The subprotocol prefix that carries the token on a WebSocket upgrade (a browser cannot set its headers). */
export const TOKEN_PROTOCOL_PREFIX = "bearer.";

const isUpgrade = (request: FastifyRequest) => String(request.headers.upgrade ?? "").toLowerCase() === "websocket";

/**
 * The token a request carries: `Authorization: Bearer <token>`; on a WebSocket upgrade also a `bearer.<token>`
 * subprotocol or a `token` query parameter, since a browser's WebSocket cannot send an Authorization header.
 */
function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === "string") return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!isUpgrade(request)) return undefined;
  const protocols = String(request.headers["sec-websocket-protocol"] ?? "").split(",");
  const carried = protocols.map((p) => p.trim()).find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (carried !== undefined) return carried.slice(TOKEN_PROTOCOL_PREFIX.length);
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof query === "string" ? query : undefined;
}

/**
 * What stays open when reads are guarded: the health probe, and the dashboard's own files (code, no data; a browser
 * cannot put a token on a page load, and the page then asks for the token and sends it on every read).
 */
function publicUrl(url: string | undefined): boolean {
  return url === "/api/health" || url === "/" || url === "/dashboard" || (url?.startsWith("/dashboard/") ?? false);
}

export interface AuthOptions {
  readonly token: string;
  /** Token-guard the read routes too (`api.protectReads`). Write routes are always guarded. */
  readonly protectReads: boolean;
}

/**
 * The onRequest hook: a route declared `access: "write"` needs `Authorization: Bearer <token>`, and so does a read
 * route when reads are protected. Runs before the body is parsed, so an unauthenticated request never reaches
 * validation (a 401, not a 400 that would tell what the body should hold).
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook("onRequest", async (request, reply) => {
    const access = (request.routeOptions.config as { access?: Access } | undefined)?.access;
    // Routes outside the table (404s, /api/openapi.json, /api/health) carry no access: open unless reads are guarded.
    const guarded = access === "write" || (options.protectReads && !publicUrl(request.routeOptions.url));
    if (!guarded) return;
    const given = bearer(request);
    if (given === undefined || !tokenMatches(given, options.token)) {
      reply.header("www-authenticate", 'Bearer realm="aegis"');
      // A refused upgrade's socket belongs to no HTTP exchange that would close it: end it once the 401 is out.
      if (isUpgrade(request)) reply.raw.once("finish", () => request.raw.socket.end());
      return reply.code(401).send({ error: given === undefined ? "missing bearer token" : "wrong token" });
    }
  });
}
