import type { StrategySpec } from "../../strategy/spec/schema.js";

/** One parameter's range. Integer ranges are searched continuously and rounded when a trial is made. */
export interface ParamRange {
  readonly low: number;
  readonly high: number;
  readonly integer: boolean;
}

export type SearchSpace = Readonly<Record<string, ParamRange>>;

/** A rule between parameters (e.g. fast < slow) that a proposed trial must satisfy; false = draw again. */
export type Constraint = (params: Readonly<Record<string, number>>) => boolean;

const range = (low: number, high: number, integer = true): ParamRange => ({ low, high, integer });

/**
 * Algo Trading Lab's default optimizer ranges (seed: algo-trading-lab-architecture.md, "Parameter Optimizer"):
 * EMA fast 5–20 / slow 15–50, RSI period 7–21 with overbought 65–80 and oversold 20–35, ADX period 10–20 and
 * threshold 15–30, MACD 8–15 / 20–30 / 7–12, Bollinger 15–25 with 1.5–2.5 σ. Keyed by built-in strategy, under
 * the parameter names those specs use.
 */
export const DEFAULT_SPACES: Readonly<Record<string, SearchSpace>> = {
  "sma-cross": { fast: range(5, 20), slow: range(15, 50) },
  "ema-cross": { fast: range(5, 20), slow: range(15, 50) },
  "rsi-reversion": { period: range(7, 21), overbought: range(65, 80, false), oversold: range(20, 35, false) },
  "bollinger-reversion": { period: range(15, 25), deviations: range(1.5, 2.5, false) },
  "macd-trend": { fast: range(8, 15), slow: range(20, 30), signal: range(7, 12) },
  "atl-technical": {
    fast: range(5, 20),
    slow: range(15, 50),
    rsiPeriod: range(7, 21),
    overbought: range(65, 80, false),
    oversold: range(20, 35, false),
    adxPeriod: range(10, 20),
    adxThreshold: range(15, 30, false),
    macdFast: range(8, 15),
    macdSlow: range(20, 30),
    macdSignal: range(7, 12),
  },
};

/** Pairs that must stay ordered (first < second) whenever both are searched. */
const ORDERED_PAIRS: readonly (readonly [string, string])[] = [
  ["fast", "slow"],
  ["macdFast", "macdSlow"],
  ["oversold", "overbought"],
];

export function orderingConstraint(space: SearchSpace): Constraint {
  const pairs = ORDERED_PAIRS.filter(([a, b]) => a in space && b in space);
  return (params) => pairs.every(([a, b]) => (params[a] as number) < (params[b] as number));
}

/**
 * Parses `--space name=low:high` entries over a spec: each name must be a parameter of the spec, both ends inside
 * the range the spec accepts for it, low < high. Integer-ness comes from the spec.
 */
export function parseSpace(entries: readonly string[], spec: StrategySpec): SearchSpace {
  const space: Record<string, ParamRange> = {};
  for (const entry of entries) {
    const match = /^([A-Za-z_][\w]*)=(-?[\d.]+(?:e-?\d+)?):(-?[\d.]+(?:e-?\d+)?)$/.exec(entry.trim());
    if (!match) throw new RangeError(`--space "${entry}": expected name=low:high, e.g. fast=5:20`);
    const [, name = "", lowText = "", highText = ""] = match;
    const parameter = spec.parameters[name];
    if (!parameter) {
      throw new RangeError(
        `--space ${name}: ${spec.name} has no parameter "${name}" (it has ${Object.keys(spec.parameters).join(", ")})`,
      );
    }
    const low = Number(lowText);
    const high = Number(highText);
    if (!(low < high)) throw new RangeError(`--space ${name}: low must be below high, got ${low}:${high}`);
    if (parameter.min !== undefined && low < parameter.min) {
      throw new RangeError(
        `--space ${name}: ${low} is below the smallest value ${spec.name} accepts (${parameter.min})`,
      );
    }
    if (parameter.max !== undefined && high > parameter.max) {
      throw new RangeError(
        `--space ${name}: ${high} is above the largest value ${spec.name} accepts (${parameter.max})`,
      );
    }
    space[name] = { low, high, integer: parameter.integer === true };
  }
  return space;
}

/** The space to search: what `--space` gave, else the strategy's default space, else an error saying what to do. */
export function resolveSpace(entries: readonly string[], spec: StrategySpec): SearchSpace {
  if (entries.length > 0) return parseSpace(entries, spec);
  const fallback = DEFAULT_SPACES[spec.name];
  if (!fallback) {
    throw new RangeError(
      `${spec.name} has no default search space; give one with --space name=low:high (parameters: ${Object.keys(spec.parameters).join(", ")})`,
    );
  }
  return fallback;
}
