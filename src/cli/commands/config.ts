import { stringify } from "yaml";
import { z } from "zod";
import { loadConfig } from "../../config/load-config.js";
import { configSchema } from "../../config/schema.js";

const SECRET_KEYS = new Set(["apiKey", "secret", "password"]);

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_KEYS.has(k) && typeof v === "string" ? "********" : mask(v),
    ]),
  );
}

export function configCommand(globals: { config?: string }): void {
  const { config, source } = loadConfig({ file: globals.config });
  // Encoded back into the units a person writes: percentages in percent, as in the file.
  const written = z.encode(configSchema, config);
  process.stdout.write(`# effective configuration (${source})\n${stringify(mask(written))}`);
}
