import type { AttachedExits } from "../../domain/order.js";
import type { SizeRule } from "../../domain/size-rule.js";
import { INDICATOR_CATALOG } from "../indicator-catalog.js";
import type {
  BarContext,
  OnBar,
  PriceField,
  SeriesReader,
  Strategy,
  StrategySetup,
  StrategySignal,
} from "../strategy.js";
import { type Condition, type IndicatorDeclaration, type Operand, PRICE_FIELDS, type StrategySpec } from "./schema.js";

export class SpecError extends Error {
  override name = "SpecError";
}

/** How big an order a compiled spec asks for; the engine turns it into a quantity. The same type as `--size`. */
export type Sizing = SizeRule;

export interface CompiledSpec extends Strategy {
  readonly spec: StrategySpec;
  readonly sizing: Sizing | undefined;
  readonly allowShort: boolean;
}

/**
 * Resolves parameter values: spec defaults, then `overrides` (e.g. from `--param fast=10`). An unknown name or a
 * value outside the declared range is an error that names it.
 */
export function resolveParameters(spec: StrategySpec, overrides: Record<string, number> = {}): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, p] of Object.entries(spec.parameters)) values[name] = p.default;
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in spec.parameters)) {
      const known = Object.keys(spec.parameters);
      throw new SpecError(
        `strategy ${spec.name} has no parameter "${name}" (parameters: ${known.length > 0 ? known.join(", ") : "none"})`,
      );
    }
    values[name] = value;
  }
  for (const [name, value] of Object.entries(values)) {
    const p = spec.parameters[name]!;
    if (!Number.isFinite(value)) throw new SpecError(`parameter ${name}: ${value} is not a number`);
    if (p.integer && !Number.isInteger(value))
      throw new SpecError(`parameter ${name}: must be an integer, got ${value}`);
    if (p.min !== undefined && value < p.min)
      throw new SpecError(`parameter ${name}: ${value} is below the minimum ${p.min}`);
    if (p.max !== undefined && value > p.max)
      throw new SpecError(`parameter ${name}: ${value} is above the maximum ${p.max}`);
  }
  return values;
}

function resolveNumber(
  value: number | string | undefined,
  params: Record<string, number>,
  where: string,
): number | undefined {
  if (value === undefined || typeof value === "number") return value;
  const name = value.slice(1);
  const resolved = params[name];
  if (resolved === undefined) throw new SpecError(`${where}: unknown parameter ${value}`);
  return resolved;
}

function resolveDeclaration(
  declaration: IndicatorDeclaration,
  params: Record<string, number>,
  where: string,
): IndicatorDeclaration {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(declaration)) {
    out[key] =
      key === "type" || key === "source" ? value : resolveNumber(value as number | string, params, `${where}.${key}`);
  }
  return out as IndicatorDeclaration;
}

/** A compiled operand: the value `extra` bars further back than the operand's own offset. */
type ValueFn = (extra: number) => number;
type Predicate = () => boolean;

/** Compiles a validated spec into a Strategy whose per-bar work is a few closure calls over typed arrays. */
export function compileSpec(spec: StrategySpec, overrides: Record<string, number> = {}): CompiledSpec {
  const params = resolveParameters(spec, overrides);
  const declarations = new Map<string, IndicatorDeclaration>();
  for (const [name, declaration] of Object.entries(spec.indicators)) {
    if ((PRICE_FIELDS as readonly string[]).includes(name)) {
      throw new SpecError(`indicators.${name}: "${name}" is a price field name; choose another indicator name`);
    }
    const resolved = resolveDeclaration(declaration, params, `indicators.${name}`);
    for (const [key, value] of Object.entries(resolved)) {
      if (
        typeof value === "number" &&
        key.toLowerCase().includes("period") &&
        (!Number.isInteger(value) || value < 1)
      ) {
        throw new SpecError(`indicators.${name}.${key}: a period must be a whole number >= 1, got ${value}`);
      }
    }
    declarations.set(name, resolved);
  }
  const allowShort =
    typeof spec.allowShort === "boolean"
      ? spec.allowShort
      : (resolveNumber(spec.allowShort, params, "allowShort") ?? 0) !== 0;
  const sizing = spec.sizing
    ? ({ type: spec.sizing.type, value: resolveNumber(spec.sizing.value, params, "sizing.value") as number } as Sizing)
    : undefined;
  if (sizing && !(sizing.value > 0)) throw new SpecError(`sizing.value must be > 0, got ${sizing.value}`);
  const exitValue = (key: keyof StrategySpec["exits"]): number => {
    const value = resolveNumber(spec.exits[key], params, `exits.${key}`) ?? 0;
    if (!(value >= 0)) throw new SpecError(`exits.${key} must be >= 0, got ${value}`);
    return value;
  };
  const exits = {
    stopLossPct: exitValue("stopLossPct"),
    stopLossAtr: exitValue("stopLossAtr"),
    takeProfitPct: exitValue("takeProfitPct"),
    takeProfitAtr: exitValue("takeProfitAtr"),
    trailingStopPct: exitValue("trailingStopPct"),
    trailingStopAtr: exitValue("trailingStopAtr"),
    atrPeriod: exitValue("atrPeriod") || 14,
    timeExitBars: exitValue("timeExitBars"),
  };
  const needsAtr = exits.stopLossAtr > 0 || exits.takeProfitAtr > 0 || exits.trailingStopAtr > 0;

  // Validate every reference now, so a typo fails at load time rather than at the first signal.
  const conditions: [string, Condition | undefined][] = [
    ["entry.long", spec.entry.long],
    ["entry.short", spec.entry.short],
    ["exit.long", spec.exit.long],
    ["exit.short", spec.exit.short],
  ];
  if (!spec.entry.long && !spec.entry.short) throw new SpecError("entry: needs a long or a short condition");
  const dryRun = referenceChecker(declarations);
  for (const [where, condition] of conditions) if (condition) walkOperands(condition, where, dryRun);

  return {
    name: spec.name,
    parameters: params,
    spec,
    sizing,
    allowShort,
    init(setup: StrategySetup): OnBar {
      const operand = operandCompiler(setup, declarations, params);
      const compile = (where: string, condition: Condition | undefined): Predicate | undefined =>
        condition ? compileCondition(condition, where, operand) : undefined;
      const entryLong = compile("entry.long", spec.entry.long);
      const entryShort = allowShort ? compile("entry.short", spec.entry.short) : undefined;
      const exitLong = compile("exit.long", spec.exit.long);
      const exitShort = compile("exit.short", spec.exit.short);
      const atr = needsAtr ? setup.indicator({ type: "atr", period: exits.atrPeriod }) : undefined;
      const reasons = {
        entryLong: `entry long: ${describe(spec.entry.long)}`,
        entryShort: `entry short: ${describe(spec.entry.short)}`,
        exitLong: `exit long: ${describe(spec.exit.long)}`,
        exitShort: `exit short: ${describe(spec.exit.short)}`,
      };
      const attached = (): AttachedExits | undefined => {
        const a = atr ? atr.at(0) : Number.NaN;
        const out: AttachedExits = {};
        if (exits.stopLossPct > 0) out.stopLossPct = exits.stopLossPct / 100;
        if (exits.stopLossAtr > 0 && a > 0) out.stopLossDistance = exits.stopLossAtr * a;
        if (exits.takeProfitPct > 0) out.takeProfitPct = exits.takeProfitPct / 100;
        if (exits.takeProfitAtr > 0 && a > 0) out.takeProfitDistance = exits.takeProfitAtr * a;
        if (exits.trailingStopPct > 0) out.trailingPct = exits.trailingStopPct / 100;
        if (exits.trailingStopAtr > 0 && a > 0) out.trailingDistance = exits.trailingStopAtr * a;
        if (exits.timeExitBars > 0) out.maxBars = exits.timeExitBars;
        return Object.keys(out).length > 0 ? out : undefined;
      };
      const open = (action: "buy" | "sell", reason: string): StrategySignal => {
        const e = attached();
        return e ? { action, reason, exits: e } : { action, reason };
      };
      return (context: BarContext): StrategySignal | undefined => {
        const quantity = context.position.quantity;
        if (quantity === 0) {
          if (entryLong?.()) return open("buy", reasons.entryLong);
          if (entryShort?.()) return open("sell", reasons.entryShort);
          return undefined;
        }
        if (quantity > 0) {
          if (entryShort?.()) return open("sell", reasons.entryShort);
          if (exitLong?.()) return { action: "close", reason: reasons.exitLong };
          return undefined;
        }
        if (entryLong?.()) return open("buy", reasons.entryLong);
        if (exitShort?.()) return { action: "close", reason: reasons.exitShort };
        return undefined;
      };
    },
  };
}

function referenceChecker(declarations: Map<string, IndicatorDeclaration>) {
  return (operand: Operand, where: string): void => {
    if (typeof operand === "number" || (typeof operand === "string" && operand.startsWith("$"))) return;
    const ref = typeof operand === "string" ? operand : operand.ref;
    const [name, output] = ref.split(".") as [string, string | undefined];
    if ((PRICE_FIELDS as readonly string[]).includes(name)) {
      if (output !== undefined) throw new SpecError(`${where}: price field ${name} has no output "${output}"`);
      return;
    }
    const declaration = declarations.get(name);
    if (!declaration) {
      const declared = [...declarations.keys()];
      throw new SpecError(
        `${where}: unknown reference "${ref}" (indicators: ${declared.length > 0 ? declared.join(", ") : "none"}; price fields: ${PRICE_FIELDS.join(", ")})`,
      );
    }
    const outputs = INDICATOR_CATALOG[declaration.type].outputs;
    if (output !== undefined && !outputs.includes(output)) {
      throw new SpecError(
        `${where}: indicator ${name} (${declaration.type}) has no output "${output}" (outputs: ${outputs.join(", ")})`,
      );
    }
  };
}

function walkOperands(condition: Condition, where: string, visit: (operand: Operand, where: string) => void): void {
  const [op, args] = Object.entries(condition)[0] as [string, unknown];
  const at = `${where}.${op}`;
  if (op === "all" || op === "any") {
    for (const [i, c] of (args as Condition[]).entries()) walkOperands(c, `${at}.${i}`, visit);
  } else if (op === "not") walkOperands(args as Condition, at, visit);
  else for (const [i, operand] of (args as Operand[]).entries()) visit(operand, `${at}.${i}`);
}

function operandCompiler(
  setup: StrategySetup,
  declarations: Map<string, IndicatorDeclaration>,
  params: Record<string, number>,
) {
  const readers = new Map<string, SeriesReader>();
  const readerFor = (ref: string): SeriesReader => {
    let reader = readers.get(ref);
    if (reader) return reader;
    const [name, output] = ref.split(".") as [string, string | undefined];
    reader = (PRICE_FIELDS as readonly string[]).includes(name)
      ? setup.price(name as PriceField)
      : setup.indicator(declarations.get(name) as IndicatorDeclaration, output);
    readers.set(ref, reader);
    return reader;
  };
  return (operand: Operand): ValueFn => {
    if (typeof operand === "number") return () => operand;
    if (typeof operand === "string" && operand.startsWith("$")) {
      const value = params[operand.slice(1)] as number;
      return () => value;
    }
    const ref = typeof operand === "string" ? operand : operand.ref;
    const ago = typeof operand === "string" ? 0 : operand.ago;
    const reader = readerFor(ref);
    return ago === 0 ? (extra) => reader.at(extra) : (extra) => reader.at(ago + extra);
  };
}

function compileCondition(condition: Condition, where: string, operand: (o: Operand) => ValueFn): Predicate {
  if ("all" in condition) {
    const parts = condition.all.map((c, i) => compileCondition(c, `${where}.all.${i}`, operand));
    return () => {
      for (const p of parts) if (!p()) return false;
      return true;
    };
  }
  if ("any" in condition) {
    const parts = condition.any.map((c, i) => compileCondition(c, `${where}.any.${i}`, operand));
    return () => {
      for (const p of parts) if (p()) return true;
      return false;
    };
  }
  if ("not" in condition) {
    const inner = compileCondition(condition.not, `${where}.not`, operand);
    return () => !inner();
  }
  if ("between" in condition) {
    const [x, lo, hi] = condition.between.map(operand) as [ValueFn, ValueFn, ValueFn];
    return () => {
      const v = x(0);
      return v >= lo(0) && v <= hi(0);
    };
  }
  // NaN compares false, so nothing fires while an indicator is still warming up.
  if ("crossAbove" in condition) {
    const [a, b] = condition.crossAbove.map(operand) as [ValueFn, ValueFn];
    return () => a(0) > b(0) && a(1) <= b(1);
  }
  if ("crossBelow" in condition) {
    const [a, b] = condition.crossBelow.map(operand) as [ValueFn, ValueFn];
    return () => a(0) < b(0) && a(1) >= b(1);
  }
  if ("gt" in condition) {
    const [a, b] = condition.gt.map(operand) as [ValueFn, ValueFn];
    return () => a(0) > b(0);
  }
  if ("gte" in condition) {
    const [a, b] = condition.gte.map(operand) as [ValueFn, ValueFn];
    return () => a(0) >= b(0);
  }
  if ("lt" in condition) {
    const [a, b] = condition.lt.map(operand) as [ValueFn, ValueFn];
    return () => a(0) < b(0);
  }
  const [a, b] = condition.lte.map(operand) as [ValueFn, ValueFn];
  return () => a(0) <= b(0);
}

/** Human-readable form of a condition for decision reasons: "fast crossAbove slow". */
export function describe(condition: Condition | undefined): string {
  if (!condition) return "none";
  const text = (o: Operand): string =>
    typeof o === "number" ? String(o) : typeof o === "string" ? o : `${o.ref}[${o.ago} ago]`;
  if ("all" in condition) return condition.all.map(describe).join(" and ");
  if ("any" in condition) return `(${condition.any.map(describe).join(" or ")})`;
  if ("not" in condition) return `not (${describe(condition.not)})`;
  if ("between" in condition)
    return `${text(condition.between[0])} between ${text(condition.between[1])} and ${text(condition.between[2])}`;
  const [op, args] = Object.entries(condition)[0] as [string, Operand[]];
  return `${text(args[0] as Operand)} ${op} ${text(args[1] as Operand)}`;
}
