import { readFileSync } from "node:fs";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { formatZodIssues } from "../../domain/zod-issues.js";
import { SpecError } from "./compile.js";
import { type StrategySpec, strategySpecSchema } from "./schema.js";

/** Validates an already-parsed object as a strategy spec; the error names every offending field. */
export function validateSpec(value: unknown, source = "strategy spec"): StrategySpec {
  const result = strategySpecSchema.safeParse(value);
  if (!result.success) throw new SpecError(`invalid ${source}:\n${formatZodIssues(result.error)}`);
  return result.data;
}

/** Parses YAML or JSON text (JSON is YAML, so one parser reads both). */
export function parseSpec(text: string, source = "strategy spec"): StrategySpec {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new SpecError(`${source} is not valid YAML/JSON: ${(error as Error).message}`);
  }
  return validateSpec(value, source);
}

export function loadSpecFile(path: string): StrategySpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SpecError(
      `cannot read strategy file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseSpec(text, `strategy file ${path}`);
}

/** Serialises a spec; `parseSpec(serializeSpec(s))` deep-equals `s`. */
export function serializeSpec(spec: StrategySpec, format: "yaml" | "json" = "yaml"): string {
  return format === "json" ? `${JSON.stringify(spec, null, 2)}\n` : stringifyYaml(spec);
}
