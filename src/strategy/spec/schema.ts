import { z } from "zod";

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

export const indicatorSchema = z
  .object({
    type: z.enum(INDICATOR_TYPES),
    /** Price field the indicator reads, for single-input indicators. */
    source: z.enum(PRICE_FIELDS).optional(),
    period: numberOrParam.optional(),
    fastPeriod: numberOrParam.optional(),
    slowPeriod: numberOrParam.optional(),
    signalPeriod: numberOrParam.optional(),
    nbdev: numberOrParam.optional(),
    nbdevup: numberOrParam.optional(),
    nbdevdn: numberOrParam.optional(),
    fastKPeriod: numberOrParam.optional(),
    slowKPeriod: numberOrParam.optional(),
    slowDPeriod: numberOrParam.optional(),
  })
  .strict();

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
  z.object({ ref: refString, ago: z.number().int().min(0).max(1000) }).strict(),
]);
export type Operand = z.infer<typeof operandSchema>;

export type Condition =
  | { crossAbove: [Operand, Operand] }
  | { crossBelow: [Operand, Operand] }
  | { gt: [Operand, Operand] }
  | { gte: [Operand, Operand] }
  | { lt: [Operand, Operand] }
  | { lte: [Operand, Operand] }
  | { between: [Operand, Operand, Operand] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

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
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
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
    description: z.string().optional(),
  })
  .strict();

export const strategySpecSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-_.]*$/i, "names use letters, digits, - _ ."),
    description: z.string().optional(),
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
export type IndicatorDeclaration = z.infer<typeof indicatorSchema>;
export type ExitsSpec = z.infer<typeof exitsSchema>;
