import { describeRule, INDICATOR_PARAMS, type ParamRule, ruleViolation } from "./indicator-params.js";
import { type Condition, SPEC_LIMITS, type StrategySpec } from "./schema.js";

/** One place a `$parameter` is used, with the values that place accepts. */
export interface ParameterUsage {
  readonly where: string;
  readonly rule: ParamRule;
}

const LOOKBACK_RULE: ParamRule = { min: 1, max: SPEC_LIMITS.barsBack, integer: true };
const PIVOT_RULE: ParamRule = { min: 1, max: SPEC_LIMITS.pivot, integer: true };

/** Where each parameter feeds an indicator or a divergence, by parameter name. */
export function parameterUsages(spec: StrategySpec): Map<string, ParameterUsage[]> {
  const usages = new Map<string, ParameterUsage[]>();
  const add = (value: unknown, where: string, rule: ParamRule | undefined): void => {
    if (typeof value !== "string" || !value.startsWith("$") || !rule) return;
    const name = value.slice(1);
    let list = usages.get(name);
    if (!list) usages.set(name, (list = []));
    list.push({ where, rule });
  };
  for (const [name, declaration] of Object.entries(spec.indicators)) {
    const rules = INDICATOR_PARAMS[declaration.type];
    for (const [key, value] of Object.entries(declaration)) add(value, `indicators.${name}.${key}`, rules[key]);
  }
  const visit = (condition: Condition | undefined, where: string): void => {
    if (!condition) return;
    if ("all" in condition) for (const [i, c] of condition.all.entries()) visit(c, `${where}.all.${i}`);
    else if ("any" in condition) for (const [i, c] of condition.any.entries()) visit(c, `${where}.any.${i}`);
    else if ("not" in condition) visit(condition.not, `${where}.not`);
    else if ("divergence" in condition) {
      add(condition.divergence.lookback, `${where}.divergence.lookback`, LOOKBACK_RULE);
      add(condition.divergence.pivot, `${where}.divergence.pivot`, PIVOT_RULE);
    }
  };
  for (const side of ["long", "short"] as const) {
    visit(spec.entry[side], `entry.${side}`);
    visit(spec.exit[side], `exit.${side}`);
  }
  return usages;
}

/**
 * Problems with declared parameter ranges: a parameter that feeds an indicator must not declare a range wider
 * than the indicator accepts (a grid over `fast=1:50` would otherwise fail for every `fast=1`), and its default
 * must be accepted.
 */
export function checkParameterRanges(spec: StrategySpec): string[] {
  const problems: string[] = [];
  for (const [name, usages] of parameterUsages(spec)) {
    const declared = spec.parameters[name];
    if (!declared) continue; // compileSpec reports an unknown $parameter with its place
    for (const { where, rule } of usages) {
      const accepts = `${where} accepts: ${describeRule(rule)}`;
      if (declared.min !== undefined && (declared.min < rule.min || (rule.minOpen && declared.min === rule.min)))
        problems.push(`parameters.${name}.min: ${declared.min} is outside what ${accepts}`);
      if (declared.max !== undefined && (declared.max > rule.max || (rule.maxOpen && declared.max === rule.max)))
        problems.push(`parameters.${name}.max: ${declared.max} is outside what ${accepts}`);
      if (rule.integer && declared.integer !== true && (declared.min !== undefined || declared.max !== undefined))
        problems.push(`parameters.${name}: ${where} takes whole numbers; declare integer: true`);
      if (ruleViolation(rule, declared.default) !== undefined)
        problems.push(`parameters.${name}.default: ${declared.default} is outside what ${accepts}`);
    }
  }
  return problems;
}

/** Why `value` cannot be given to parameter `name`, naming the place that refuses it, or undefined. */
export function usageViolation(spec: StrategySpec, name: string, value: number): string | undefined {
  for (const { where, rule } of parameterUsages(spec).get(name) ?? []) {
    const problem = ruleViolation(rule, value);
    if (problem !== undefined) return `${where} ${problem}`;
  }
  return undefined;
}
