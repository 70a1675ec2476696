import { z } from "zod";
import { strategySpecSchema } from "./schema.js";

/**
 * The strategy spec as a JSON Schema (draft 2020-12), for an LLM's structured output. It describes what a spec
 * may contain as it is written (defaults optional). Bounds on depth and size, and parameter ranges that depend on
 * where a `$parameter` is used, are not expressible in it: always validate the result with `validateSpec`.
 */
export function strategySpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(strategySpecSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
