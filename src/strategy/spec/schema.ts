import { z } from "zod";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import {
  describeRule,
  INDICATOR_PARAMS,
  type IndicatorType,
  type ParamRule,
  SOURCE_INDICATORS,
} from "./indicator-params.js";

/**
 * The strategy spec: a strategy as data (ARCHITECTURE.md principle 3). People write it in YAML or JSON, the
 * genetic evolver mutates it, the LLM architect proposes it as structured output. It never contains code: every
 * value is a number, a name from a closed list, or a reference to a declared indicator or parameter.
 */

/** `$name` refers to a parameter; its value is substituted when the spec is compiled. */
const paramRef = z.string().regex(/^\$[A-Za-z_][A-Za-z0-9_]*$/, "a parameter reference looks like $name");
export const numberOrParam = z.union([z.number().finite(), paramRef]);

export const INDICATOR_TYPES = [
  "sma",
  "ema",
  "wma",
  "rsi",
  "macd",
  "bbands",
  "atr",
  "adx",
  "plusDi",
  "minusDi",
  "stddev",
  "stoch",
  "cci",
  "roc",
  "mom",
  "obv",
  "mfi",
  "willr",
  "vwap",
  "sessionVwap",
  "volumeRatio",
  "donchian",
  "max",
  "min",
  "volatility",
  "regime",
] as const;

export const PRICE_FIELDS = ["open", "high", "low", "close", "volume", "hl2", "hlc3", "ohlc4"] as const;

/**
 * Bounds on what a spec may contain, so a machine-written spec cannot exhaust the stack or the CPU. Generous for
 * a person: the built-ins use depth 3 and a dozen conditions.
 */
export const SPEC_LIMITS = {
  /** Nesting of all/any/not. */
  conditionDepth: 32,
  /** Conditions in the whole spec (every node of every tree). */
  conditions: 1_000,
  /** Children of one all/any. */
  listLength: 100,
  indicators: 100,
  parameters: 100,
  /** Nesting of the document as a whole (objects and arrays), checked before anything else reads it. */
  documentDepth: 64,
  /** Characters of spec text. */
  textLength: 1_000_000,
  /** Largest `ago` of an operand and `lookback` of a divergence. */
  barsBack: 10_000,
  /** Largest pivot strength of a divergence. */
  pivot: 50,
} as const;

const TIMEFRAME_NAMES = Object.keys(TIMEFRAMES) as [Timeframe, ...Timeframe[]];

/** The schema of one numeric indicator parameter: a literal inside the rule's range, or a `$parameter`. */
function parameterValueSchema(rule: ParamRule) {
  const error = `must be ${describeRule(rule)}`;
  let number = z.number({ error });
  if (rule.integer) number = number.int({ error });
  number = rule.minOpen ? number.gt(rule.min, { error }) : number.gte(rule.min, { error });
  number = rule.maxOpen ? number.lt(rule.max, { error }) : number.lte(rule.max, { error });
  return z.union([number, paramRef]);
}

function indicatorBranch(type: IndicatorType) {
  const shape: Record<string, z.ZodType> = { type: z.literal(type) };
  // Price field the indicator reads, for single-input indicators only (an ATR has no `source`).
  if (SOURCE_INDICATORS.has(type)) shape.source = z.enum(PRICE_FIELDS).optional();
  for (const [name, rule] of Object.entries(INDICATOR_PARAMS[type]))
    shape[name] = parameterValueSchema(rule).optional();
  /** Computed on the bars of this higher timeframe of the same symbol, read only once such a bar has closed. */
  shape.timeframe = z.enum(TIMEFRAME_NAMES).optional();
  return z.object(shape).strict();
}

/** A declared indicator: its type, its parameters (numbers or `$parameters`), and optionally source and timeframe. */
export type IndicatorDeclaration = {
  readonly type: IndicatorType;
  readonly source?: (typeof PRICE_FIELDS)[number];
  readonly timeframe?: Timeframe;
} & { readonly [parameter: string]: number | string | undefined };

/** One branch per indicator type, each accepting exactly that type's parameters (INDICATOR_PARAMS). */
export const indicatorSchema = z.discriminatedUnion(
  "type",
  INDICATOR_TYPES.map(indicatorBranch) as unknown as [ReturnType<typeof indicatorBranch>],
) as unknown as z.ZodType<IndicatorDeclaration, IndicatorDeclaration>;

/**
 * An operand: a number, a `$parameter`, a price field (`close`), an indicator (`fast`) or one of its outputs
 * (`bb.upper`), optionally some bars back: `{ ref: "dc.upper", ago: 1 }`.
 */
const refString = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z]+)?$/, "a reference looks like name or name.output");
export const operandSchema = z.union([
  z.number().finite(),
  paramRef,
  refString,
  z.object({ ref: refString, ago: z.number().int().min(0).max(SPEC_LIMITS.barsBack) }).strict(),
]);
export type Operand = z.infer<typeof operandSchema>;

export const DIVERGENCE_KINDS = ["bullish", "hiddenBullish", "bearish", "hiddenBearish"] as const;
export type DivergenceKind = (typeof DIVERGENCE_KINDS)[number];

/**
 * A divergence between a price series and an oscillator, over confirmed pivots only (see spec/divergence.ts for
 * the exact rule). `price` and `oscillator` are references (`low`, `rsi`); `lookback` bounds how far back the
 * older pivot may be; `pivot` is how many bars on each side make a pivot (it is confirmed `pivot` bars later).
 */
export interface DivergenceSpec {
  kind: DivergenceKind;
  price: string;
  oscillator: string;
  lookback: number | string;
  pivot?: number | string | undefined;
}

export type Condition =
  | { crossAbove: [Operand, Operand] }
  | { crossBelow: [Operand, Operand] }
  | { gt: [Operand, Operand] }
  | { gte: [Operand, Operand] }
  | { lt: [Operand, Operand] }
  | { lte: [Operand, Operand] }
  | { between: [Operand, Operand, Operand] }
  | { divergence: DivergenceSpec }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** The condition names, for messages that suggest the closest one. */
export const CONDITION_KEYS = [
  "crossAbove",
  "crossBelow",
  "gt",
  "gte",
  "lt",
  "lte",
  "between",
  "divergence",
  "all",
  "any",
  "not",
] as const;

const barsBack = z.union([z.number().int().min(1).max(SPEC_LIMITS.barsBack), paramRef]);
const divergenceSchema = z
  .object({
    kind: z.enum(DIVERGENCE_KINDS),
    price: refString,
    oscillator: refString,
    lookback: barsBack,
    pivot: z.union([z.number().int().min(1).max(SPEC_LIMITS.pivot), paramRef]).optional(),
  })
  .strict();

const pair = z.tuple([operandSchema, operandSchema]);
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ crossAbove: pair }).strict(),
    z.object({ crossBelow: pair }).strict(),
    z.object({ gt: pair }).strict(),
    z.object({ gte: pair }).strict(),
    z.object({ lt: pair }).strict(),
    z.object({ lte: pair }).strict(),
    z.object({ between: z.tuple([operandSchema, operandSchema, operandSchema]) }).strict(),
    z.object({ divergence: divergenceSchema }).strict(),
    z.object({ all: z.array(conditionSchema).min(1).max(SPEC_LIMITS.listLength) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1).max(SPEC_LIMITS.listLength) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
) as z.ZodType<Condition>;

const sidesSchema = z.object({ long: conditionSchema.optional(), short: conditionSchema.optional() }).strict();

/** Exits. A value of 0 switches an exit off, so a parameter can turn it on and off. */
export const exitsSchema = z
  .object({
    /** Stop-loss distance in percent of the entry price. */
    stopLossPct: numberOrParam.optional(),
    /** Stop-loss distance in ATR multiples (ATR period `atrPeriod`). */
    stopLossAtr: numberOrParam.optional(),
    takeProfitPct: numberOrParam.optional(),
    takeProfitAtr: numberOrParam.optional(),
    trailingStopPct: numberOrParam.optional(),
    trailingStopAtr: numberOrParam.optional(),
    atrPeriod: numberOrParam.optional(),
    /** Close after this many bars in the position. */
    timeExitBars: numberOrParam.optional(),
  })
  .strict();

export const sizingSchema = z
  .object({
    type: z.enum(["fixed-base", "fixed-quote", "percent-equity"]),
    value: numberOrParam,
  })
  .strict();

export const parameterSchema = z
  .object({
    default: z.number().finite(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    integer: z.boolean().optional(),
    description: z.string().max(10_000).optional(),
  })
  .strict();

export const strategySpecSchema = z
  .object({
    name: z
      .string()
      .max(100)
      .regex(/^[a-z0-9][a-z0-9-_.]*$/i, "names use letters, digits, - _ ."),
    description: z.string().max(10_000).optional(),
    version: z.literal(1).default(1),
    parameters: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), parameterSchema).default({}),
    indicators: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), indicatorSchema).default({}),
    entry: sidesSchema,
    exit: sidesSchema.default({}),
    /** Short entries are evaluated only when this is true (a parameter may switch it: "$short"). */
    allowShort: z.union([z.boolean(), paramRef]).default(false),
    exits: exitsSchema.default({}),
    sizing: sizingSchema.optional(),
  })
  .strict();

export type StrategySpec = z.infer<typeof strategySpecSchema>;
export type StrategySpecInput = z.input<typeof strategySpecSchema>;
export type ExitsSpec = z.infer<typeof exitsSchema>;
