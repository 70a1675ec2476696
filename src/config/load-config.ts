import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { formatZodIssues } from "../domain/zod-issues.js";
import { type AegisConfig, configSchema } from "./schema.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const DEFAULT_CONFIG_FILE = "aegis.yaml";
const ENV_PREFIX = "AEGIS_";
/** Environment variables with the prefix that are not configuration keys. */
const ENV_NOT_CONFIG = new Set(["AEGIS_CONFIG", "AEGIS_CACHE_DIR", "AEGIS_DEBUG", "AEGIS_SNAPSHOT"]);
/** Venue keys (venue-credentials.ts: AEGIS_BINANCE_KEY, AEGIS_BINANCE_TESTNET_SECRET, …) are read there, not here. */
const VENUE_KEY = /^AEGIS_[A-Z0-9]+(_TESTNET)?_(KEY|SECRET)$/;

export interface LoadConfigOptions {
  /** Path given by --config; when absent, AEGIS_CONFIG, then ./aegis.yaml if it exists. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads the YAML config file (if any), overlays AEGIS_* environment variables and validates the result.
 * Environment names map to keys by `__` for nesting and snake case to camel case:
 * `AEGIS_BACKTEST__CASH=5000` sets `backtest.cash`, `AEGIS_DATA_DIR` sets `dataDir`.
 */
export function loadConfig(options: LoadConfigOptions = {}): { config: AegisConfig; source: string } {
  const env = options.env ?? process.env;
  const explicit = options.file ?? env.AEGIS_CONFIG;
  let raw: Record<string, unknown> = {};
  let source = "defaults";
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new ConfigError(`config file ${explicit} does not exist`);
    raw = readYamlObject(explicit);
    source = explicit;
  } else if (existsSync(DEFAULT_CONFIG_FILE)) {
    raw = readYamlObject(DEFAULT_CONFIG_FILE);
    source = DEFAULT_CONFIG_FILE;
  }
  const overrides = envOverrides(env);
  for (const { path, value } of overrides) setPath(raw, path, value);
  if (overrides.length > 0) source += ` + ${overrides.length} environment variable(s)`;
  return { config: validateConfig(raw, source), source };
}

export function validateConfig(raw: unknown, source = "config"): AegisConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid ${source}:\n${formatZodIssues(result.error)}`);
  return result.data;
}

function readYamlObject(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(
      `config file ${file} must hold a mapping of keys, not ${Array.isArray(parsed) ? "a list" : typeof parsed}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function envOverrides(env: NodeJS.ProcessEnv): { path: string[]; value: unknown }[] {
  const out: { path: string[]; value: unknown }[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || ENV_NOT_CONFIG.has(name) || VENUE_KEY.test(name) || text === undefined)
      continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split("__")
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    out.push({ path, value: parseEnvValue(text) });
  }
  return out;
}

/** Environment values are text; numbers and booleans are recognised so that the schema sees the intended type. */
function parseEnvValue(text: string): unknown {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  return text;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}
