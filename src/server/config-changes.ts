import type { ZodType } from "zod";
import type { ConfigChange } from "../store/repositories/config-history.js";
import { ConfigRejected } from "./session-control.js";

const SECRET_KEYS = new Set(["apiKey", "secret", "password"]);
const REDACTED = "[redacted]";

/**
 * Paths the API may not change, and why: where the store lives (it holds the changes themselves), secrets (they
 * belong in the environment), and the live-trading gate (it stays a decision taken in the config file).
 */
function refusal(path: readonly string[]): string | undefined {
  const top = path[0];
  if (top === "dataDir" || top === "store")
    return "says where the store is, which holds these changes; edit the config file";
  if (top === "trading" && path[1] === "live") return "is the live-trading gate; it is set in the config file only";
  if (path.some((p) => SECRET_KEYS.has(p))) return "is a secret; set it through the environment, not the API";
  return undefined;
}

export function parseConfigPath(path: string): string[] {
  const parts = path.split(".");
  if (path === "" || parts.some((p) => !/^[A-Za-z0-9_]+$/.test(p)))
    throw new ConfigRejected(
      "body.path",
      `body.path: "${path}" is not a dotted configuration path (e.g. risk.enabled)`,
    );
  const why = refusal(parts);
  if (why) throw new ConfigRejected("body.path", `body.path: ${path} ${why}`);
  return parts;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** The values the API set and that are still in force, by path, from the change history (newest wins). */
export function overridesOf(history: readonly ConfigChange[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const change of history) {
    if (change.newValue === undefined) out.delete(change.key);
    else out.set(change.key, change.newValue);
  }
  return out;
}

/** A configuration object as the API handles it; the schema that validates it is injected (config sits above server). */
export type ConfigObject = Record<string, unknown>;

/**
 * `base` with `overrides` applied and validated by the real config schema (src/config/schema.ts, passed in). A refusal names the configuration
 * field (`risk.limits.maxOpenTrades: Too small …`), so the dashboard can put the message beside that field.
 */
export function applyOverrides<T extends ConfigObject>(
  schema: ZodType<T>,
  base: T,
  overrides: ReadonlyMap<string, unknown>,
): T {
  const raw = structuredClone(base) as ConfigObject;
  for (const [path, value] of overrides) setPath(raw, path.split("."), value);
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = (issue?.path ?? []).map(String).join(".");
  throw new ConfigRejected(field, `${field || "config"}: ${issue?.message ?? "invalid"}`);
}

/** A copy safe to show: exchange keys and passwords replaced, a password inside a store URL too. */
export function redactConfig<T>(config: T): T {
  const walk = (value: unknown, key: string): unknown => {
    if (SECRET_KEYS.has(key) && value !== undefined) return REDACTED;
    if (typeof value === "string" && key === "url") return value.replace(/\/\/([^:/@]+):[^@]*@/, `//$1:${REDACTED}@`);
    if (Array.isArray(value)) return value.map((v) => walk(v, ""));
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(config, "") as T;
}
