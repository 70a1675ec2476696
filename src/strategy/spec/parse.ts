import { readFileSync } from "node:fs";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { formatZodIssues } from "../../domain/zod-issues.js";
import { SpecError } from "./compile.js";
import { checkParameterRanges } from "./parameter-ranges.js";
import { precheckSpec } from "./precheck.js";
import { SPEC_LIMITS, type StrategySpec, strategySpecSchema } from "./schema.js";

/**
 * Validates an already-parsed object as a strategy spec; the error names every offending field. Bounds and
 * unknown names are checked first, without recursion, so no document can overflow the stack.
 */
export function validateSpec(value: unknown, source = "strategy spec"): StrategySpec {
  const problems = precheckSpec(value);
  if (problems.length > 0) throw new SpecError(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  const result = strategySpecSchema.safeParse(value);
  if (!result.success) throw new SpecError(`invalid ${source}:\n${formatZodIssues(result.error)}`);
  const rangeProblems = checkParameterRanges(result.data);
  if (rangeProblems.length > 0) {
    throw new SpecError(`invalid ${source}:\n${rangeProblems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return result.data;
}

/** Block indentation (spaces and "- " markers) beyond which the YAML parser's recursion could overflow. */
const MAX_INDENT = 512;

/** Parses YAML or JSON text (JSON is YAML, so one parser reads both). */
export function parseSpec(text: string, source = "strategy spec"): StrategySpec {
  if (text.length > SPEC_LIMITS.textLength) {
    throw new SpecError(`${source} has ${text.length} characters, more than the limit of ${SPEC_LIMITS.textLength}`);
  }
  const nesting = textNesting(text);
  if (nesting.flow > SPEC_LIMITS.documentDepth || nesting.indent > MAX_INDENT) {
    throw new SpecError(
      `${source} is nested too deeply (${nesting.flow} levels of brackets, indentation ${nesting.indent}; the limits are ${SPEC_LIMITS.documentDepth} and ${MAX_INDENT})`,
    );
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new SpecError(`${source} is not valid YAML/JSON: ${(error as Error).message}`);
  }
  return validateSpec(value, source);
}

/** Deepest bracket nesting outside quoted strings, and the widest block indentation: a cheap bound before parsing. */
function textNesting(text: string): { flow: number; indent: number } {
  let flow = 0;
  let deepest = 0;
  let quote = "";
  let indent = 0;
  let lineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\n") {
      lineStart = true;
      column = 0;
      continue;
    }
    if (lineStart) {
      if (c === " " || c === "-" || c === "?" || c === "\t") {
        column++;
        if (column > indent) indent = column;
        continue;
      }
      lineStart = false;
    }
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if ((c === '"' || c === "'") && opensScalar(text, i)) quote = c;
    else if (c === "#" && opensScalar(text, i)) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      flow++;
      if (flow > deepest) deepest = flow;
    } else if (c === "]" || c === "}") flow--;
  }
  return { flow: deepest, indent };
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

/** Whether a quote or `#` at `i` starts a quoted scalar or a comment (not "don't" or "a#b"). */
function opensScalar(text: string, i: number): boolean {
  const before = i === 0 ? " " : (text[i - 1] as string);
  return " \t[{,:".includes(before);
}
