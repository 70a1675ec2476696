import { createHash } from "node:crypto";
import type { StrategySpec } from "./schema.js";

/**
 * Canonical JSON: object keys sorted at every level, no whitespace, `undefined` members dropped. Two values
 * that differ only in key order give the same text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError(`cannot hash ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * A stable identity of what a spec does, for lineage, the blacklist and de-duplication: sha256 (hex) of the
 * canonical JSON of the validated spec (defaults filled in), without its name and descriptions, which change
 * nothing it trades. The same spec with its keys in another order, or renamed, hashes the same.
 */
export function specHash(spec: StrategySpec): string {
  const { name: _name, description: _description, ...behaviour } = spec;
  const parameters = Object.fromEntries(
    Object.entries(spec.parameters).map(([key, { description: _d, ...rest }]) => [key, rest]),
  );
  return createHash("sha256")
    .update(canonicalJson({ ...behaviour, parameters }))
    .digest("hex");
}
