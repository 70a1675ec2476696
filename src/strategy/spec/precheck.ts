import { didYouMean } from "../../domain/closest-name.js";
import { INDICATOR_PARAMS, type IndicatorType, SOURCE_INDICATORS } from "./indicator-params.js";
import { CONDITION_KEYS, INDICATOR_TYPES, SPEC_LIMITS } from "./schema.js";

/**
 * Checks the raw document before the schema reads it, for the two things the schema cannot do well: bounds (a
 * 2,000-deep `not` chain would overflow the stack of a recursive validator, so depth is measured here with an
 * explicit stack) and unknown names, which it reports under the key the author wrote with the closest valid name
 * ("unknown condition entry.long.crossOver (did you mean crossAbove?)"). Returns one message per problem; an empty
 * list means the schema may run.
 */
export function precheckSpec(value: unknown): string[] {
  const depthProblem = documentDepthProblem(value);
  if (depthProblem) return [depthProblem];
  if (!isObject(value)) return [];
  const problems: string[] = [];
  unknownKeys(value, TOP_LEVEL_KEYS, "", problems);
  if (isObject(value.parameters)) {
    countProblem(value.parameters, SPEC_LIMITS.parameters, "parameters", problems);
    for (const [name, parameter] of Object.entries(value.parameters)) {
      if (isObject(parameter)) unknownKeys(parameter, PARAMETER_KEYS, `parameters.${name}.`, problems);
    }
  }
  if (isObject(value.indicators)) {
    countProblem(value.indicators, SPEC_LIMITS.indicators, "indicators", problems);
    for (const [name, declaration] of Object.entries(value.indicators)) {
      if (isObject(declaration)) checkIndicator(declaration, `indicators.${name}`, problems);
    }
  }
  if (isObject(value.exits)) unknownKeys(value.exits, EXITS_KEYS, "exits.", problems);
  if (isObject(value.sizing)) unknownKeys(value.sizing, SIZING_KEYS, "sizing.", problems);
  const counter = { conditions: 0 };
  for (const side of ["entry", "exit"] as const) {
    const sides = value[side];
    if (!isObject(sides)) continue;
    unknownKeys(sides, SIDE_KEYS, `${side}.`, problems);
    for (const key of SIDE_KEYS) {
      if (sides[key] !== undefined) checkConditionTree(sides[key], `${side}.${key}`, counter, problems);
    }
  }
  return problems;
}

const TOP_LEVEL_KEYS = [
  "name",
  "description",
  "version",
  "parameters",
  "indicators",
  "entry",
  "exit",
  "allowShort",
  "exits",
  "sizing",
];
const PARAMETER_KEYS = ["default", "min", "max", "integer", "description"];
const EXITS_KEYS = [
  "stopLossPct",
  "stopLossAtr",
  "takeProfitPct",
  "takeProfitAtr",
  "trailingStopPct",
  "trailingStopAtr",
  "atrPeriod",
  "timeExitBars",
];
const SIZING_KEYS = ["type", "value"];
const SIDE_KEYS = ["long", "short"] as const;
const OPERAND_KEYS = ["ref", "ago"];
const DIVERGENCE_KEYS = ["kind", "price", "oscillator", "lookback", "pivot"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function documentDepthProblem(root: unknown): string | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth >= SPEC_LIMITS.documentDepth) {
      return `(root): the spec is nested deeper than ${SPEC_LIMITS.documentDepth} levels (the limit)`;
    }
    // Every node is looked at once, so even a hostile document costs time linear in its size.
    if (++visited > 1_000_000) return "(root): the spec has more than 1000000 values (the limit)";
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function unknownKeys(object: Record<string, unknown>, known: readonly string[], prefix: string, out: string[]): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) out.push(`unknown key ${prefix}${key}${didYouMean(key, known)}`);
  }
}

function countProblem(object: Record<string, unknown>, limit: number, where: string, out: string[]): void {
  const count = Object.keys(object).length;
  if (count > limit) out.push(`${where}: ${count} entries, more than the limit of ${limit}`);
}

function checkIndicator(declaration: Record<string, unknown>, where: string, out: string[]): void {
  const type = declaration.type;
  if (typeof type !== "string") return; // the schema says "type: expected one of …"
  if (!(INDICATOR_TYPES as readonly string[]).includes(type)) {
    out.push(`${where}.type: unknown indicator type "${type}"${didYouMean(type, INDICATOR_TYPES)}`);
    return;
  }
  const params = Object.keys(INDICATOR_PARAMS[type as IndicatorType]);
  const allowed = ["type", "timeframe", ...params, ...(SOURCE_INDICATORS.has(type as IndicatorType) ? ["source"] : [])];
  for (const key of Object.keys(declaration)) {
    if (allowed.includes(key)) continue;
    const takes = params.length > 0 ? params.join(", ") : "no parameters";
    out.push(`unknown key ${where}.${key}: ${type} takes ${takes}${didYouMean(key, allowed)}`);
  }
}

/** Walks all/any/not iteratively; checks names, depth, width and the total count of conditions. */
function checkConditionTree(root: unknown, rootWhere: string, counter: { conditions: number }, out: string[]): void {
  const stack: [unknown, string, number][] = [[root, rootWhere, 1]];
  while (stack.length > 0) {
    const [node, where, depth] = stack.pop() as [unknown, string, number];
    if (!isObject(node)) continue; // the schema names the wrong type
    if (++counter.conditions > SPEC_LIMITS.conditions) {
      out.push(`${where}: the spec has more than ${SPEC_LIMITS.conditions} conditions (the limit)`);
      return;
    }
    if (depth > SPEC_LIMITS.conditionDepth) {
      out.push(`${where}: conditions are nested deeper than ${SPEC_LIMITS.conditionDepth} levels (the limit)`);
      return;
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      out.push(`${where}: a condition has exactly one key (${CONDITION_KEYS.join(", ")}), got ${keys.length}`);
      continue;
    }
    const key = keys[0] as string;
    const args = node[key];
    const at = `${where}.${key}`;
    if (!(CONDITION_KEYS as readonly string[]).includes(key)) {
      out.push(`unknown condition ${at}${didYouMean(key, CONDITION_KEYS)}`);
      continue;
    }
    if (key === "not") stack.push([args, at, depth + 1]);
    else if (key === "all" || key === "any") {
      if (!Array.isArray(args)) continue;
      if (args.length > SPEC_LIMITS.listLength) {
        out.push(`${at}: ${args.length} conditions, more than the limit of ${SPEC_LIMITS.listLength} in one list`);
        continue;
      }
      for (let i = args.length - 1; i >= 0; i--) stack.push([args[i], `${at}.${i}`, depth + 1]);
    } else if (key === "divergence") {
      if (isObject(args)) unknownKeys(args, DIVERGENCE_KEYS, `${at}.`, out);
    } else if (Array.isArray(args)) {
      for (const [i, operand] of args.entries()) {
        if (isObject(operand)) unknownKeys(operand, OPERAND_KEYS, `${at}.${i}.`, out);
      }
    }
  }
}
