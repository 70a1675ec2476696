import { type Timeframe, timeframeMs } from "../../domain/timeframe.js";
import { resolveIndicatorParams } from "../indicator-catalog.js";
import { regimeOptionsFromParameters } from "../regime/regime-config.js";
import { compileSpec, DEFAULT_PIVOT, SpecError } from "./compile.js";
import { divergenceReach } from "./divergence.js";
import type { Condition, IndicatorDeclaration, Operand, StrategySpec } from "./schema.js";

/**
 * Index of the first defined value of an indicator (TA-Lib's "lookback"): the values before it are NaN (-1 for
 * the regime). Computed from the parameters alone, so a period of 10^6 costs nothing; a test checks every type
 * against the computed columns. `timeframe` declarations are counted in bars of their own timeframe here.
 */
export function indicatorLookback(declaration: IndicatorDeclaration, output?: string): number {
  const p = resolveIndicatorParams(declaration);
  const period = p.period as number;
  switch (declaration.type) {
    case "sma":
    case "ema":
    case "wma":
    case "bbands":
    case "stddev":
    case "cci":
    case "willr":
    case "vwap":
    case "volumeRatio":
    case "donchian":
    case "max":
    case "min":
      return period - 1;
    case "rsi":
    case "atr":
    case "plusDi":
    case "minusDi":
    case "roc":
    case "mom":
    case "mfi":
    case "volatility":
      return period;
    case "adx":
      return output === "plusDi" || output === "minusDi" ? period : 2 * period - 1;
    case "macd":
      return Math.max(p.fastPeriod as number, p.slowPeriod as number) + (p.signalPeriod as number) - 2;
    case "stoch":
      return (p.fastKPeriod as number) + (p.slowKPeriod as number) + (p.slowDPeriod as number) - 3;
    case "obv":
    case "sessionVwap":
      return 0;
    case "regime": {
      const o = regimeOptionsFromParameters(p);
      // The percentile windows must be full of earlier values before the first classification.
      return Math.max(
        o.volatilityPeriod + o.percentileWindow,
        o.bollingerPeriod - 1 + o.percentileWindow,
        2 * o.adxPeriod - 1,
        o.maPeriod - 1,
        o.drawdownLookback - 1,
        o.returnLookback,
      );
    }
  }
}

export interface SpecWarmup {
  /** Bars before the first bar at which every value the spec's conditions read is defined. */
  readonly bars: number;
  /** The operand that needs the most history, e.g. "indicators.slow (sma)". */
  readonly longest: string;
}

/**
 * How many bars a spec (with these parameter values) needs before every condition it reads is defined: the
 * longest indicator lookback plus how far back the condition reads it (`ago`, a cross's previous bar, a
 * divergence's window). Indicators on a higher timeframe count in bars of `baseTimeframe` (the data's), as the
 * bars of the higher timeframe they wait for. A run on fewer bars than this cannot trade on those conditions.
 */
export function specWarmup(
  spec: StrategySpec,
  overrides: Record<string, number> = {},
  baseTimeframe?: Timeframe,
): SpecWarmup {
  const compiled = compileSpec(spec, overrides);
  const params = compiled.parameters;
  const declarations = compiled.declarations;
  const value = (v: number | string): number => (typeof v === "number" ? v : (params[v.slice(1)] as number));
  let best: SpecWarmup = { bars: 0, longest: "none" };
  const consider = (operand: Operand, extra: number): void => {
    if (typeof operand === "number" || (typeof operand === "string" && operand.startsWith("$"))) return;
    const ref = typeof operand === "string" ? operand : operand.ref;
    const ago = typeof operand === "string" ? 0 : operand.ago;
    const [name, output] = ref.split(".") as [string, string | undefined];
    const declaration = declarations.get(name);
    const lookback = declaration ? lookbackInBaseBars(declaration, output, baseTimeframe) : 0;
    const bars = lookback + ago + extra;
    if (bars > best.bars) {
      best = { bars, longest: declaration ? `indicators.${name} (${declaration.type})` : ref };
    }
  };
  const visit = (condition: Condition | undefined): void => {
    if (!condition) return;
    if ("all" in condition) for (const c of condition.all) visit(c);
    else if ("any" in condition) for (const c of condition.any) visit(c);
    else if ("not" in condition) visit(condition.not);
    else if ("divergence" in condition) {
      const d = condition.divergence;
      const reach = divergenceReach(value(d.lookback), d.pivot === undefined ? DEFAULT_PIVOT : value(d.pivot));
      consider(d.price, reach);
      consider(d.oscillator, reach);
    } else if ("crossAbove" in condition) for (const o of condition.crossAbove) consider(o, 1);
    else if ("crossBelow" in condition) for (const o of condition.crossBelow) consider(o, 1);
    else for (const o of Object.values(condition)[0] as Operand[]) consider(o, 0);
  };
  for (const side of ["long", "short"] as const) {
    visit(spec.entry[side]);
    visit(spec.exit[side]);
  }
  return best;
}

/**
 * A higher-timeframe indicator's first value appears when the higher bar at its lookback index closes: that is
 * (lookback + 1) higher bars, less the one base bar in which it closes, counted from a series that starts on a
 * higher-bar boundary (a series that starts mid-bucket needs up to one higher bar more).
 */
function lookbackInBaseBars(
  declaration: IndicatorDeclaration,
  output: string | undefined,
  baseTimeframe: Timeframe | undefined,
): number {
  const lookback = indicatorLookback(declaration, output);
  if (!declaration.timeframe || !baseTimeframe) return lookback;
  const ratio = timeframeMs(declaration.timeframe) / timeframeMs(baseTimeframe);
  if (!(ratio >= 1 && Number.isInteger(ratio))) {
    throw new SpecError(
      `an indicator on ${declaration.timeframe} bars cannot be computed from ${baseTimeframe} data: ${declaration.timeframe} must be a whole multiple of ${baseTimeframe}, and not lower`,
    );
  }
  return Math.max(lookback, (lookback + 1) * ratio - 1);
}

/**
 * Warnings for series too short for a spec's warm-up: on them it can never signal, which would otherwise show as
 * a silent run with no trades. One line per series, ready to print.
 */
export function warmupWarnings(
  spec: StrategySpec,
  parameters: Record<string, number>,
  series: readonly { readonly symbol: string; readonly length: number; readonly timeframe?: Timeframe | undefined }[],
): string[] {
  const warnings: string[] = [];
  for (const s of series) {
    const warmup = specWarmup(spec, parameters, s.timeframe);
    if (warmup.bars >= s.length) {
      warnings.push(
        `${s.symbol}: strategy ${spec.name} needs ${warmup.bars} bars before its first signal (longest: ${warmup.longest}) but the data has ${s.length}: it cannot trade`,
      );
    }
  }
  return warnings;
}
