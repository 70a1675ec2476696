import type { CandleSeries } from "../../../domain/candles.js";
import { BatchColumns } from "../../../strategy/columns.js";
import { type CompiledSpec, compileSpec } from "../../../strategy/spec/compile.js";
import type { Condition, StrategySpec } from "../../../strategy/spec/schema.js";
import type { Bits } from "./bitset.js";
import { returnsScratch, runMetrics, type ScreenMetrics } from "./screen-metrics.js";
import { SharedIndicatorParts } from "./shared-indicator-parts.js";
import { ConditionCache, SignalColumns } from "./signal-columns.js";
import { type ScreenTrade, simulateSignals } from "./simulate.js";

/**
 * One data set prepared for screening: its columns are computed once, on first use, and shared by every spec
 * screened on it (a cache keyed by indicator type and parameters: BatchColumns), so a population of 50 specs that
 * all read `rsi(14)` computes it once.
 */
export interface ScreeningData {
  readonly series: CandleSeries;
  readonly columns: BatchColumns;
  /** Results of single comparisons, shared by every spec screened on this data set. */
  readonly conditions: ConditionCache;
  /** Bollinger and MACD columns finished from parts shared across their parameters. */
  readonly parts: SharedIndicatorParts;
  readonly periodsPerYear: number;
  /** Equity scratch of a screening run whose equity is not kept (see tradeSignals' `reuseEquity`). */
  readonly equityScratch: Float64Array;
}

export function prepareScreening(series: CandleSeries, periodsPerYear = 8760): ScreeningData {
  if (series.length < 2) throw new RangeError(`screening needs at least 2 bars, got ${series.length}`);
  const columns = new BatchColumns(series);
  return {
    series,
    columns,
    conditions: new ConditionCache(series.length),
    parts: new SharedIndicatorParts(columns, series.length),
    periodsPerYear,
    equityScratch: new Float64Array(series.length),
  };
}

/** Costs of a screening run. Slippage, leverage, funding and risk layers are engine-only. */
export interface ScreenSettings {
  readonly cash: number;
  /** Maker and taker fee as a fraction of notional. */
  readonly fee: number;
}

export interface ScreenResult {
  readonly ok: true;
  readonly trades: readonly ScreenTrade[];
  readonly equity: Float64Array;
  readonly metrics: ScreenMetrics;
}

export interface ScreenRefusal {
  readonly ok: false;
  /** Why the screening path does not apply; the caller runs the event-driven engine instead. */
  readonly reason: string;
}

/**
 * What the screening path covers: entry and exit rules made of crossAbove/crossBelow/gt/gte/lt/lte/between,
 * all/any/not over price fields, indicators (any type and timeframe), numbers and `$parameters`; long and short;
 * stop-loss and take-profit in percent or ATR multiples; `percent-equity` sizing (or none: 100 %).
 * Not covered (refused, with the reason): divergences, trailing stops, time exits, fixed-base/fixed-quote sizing.
 */
export function screeningSupport(spec: StrategySpec): string | undefined {
  const exits = spec.exits;
  if (exits.trailingStopPct !== undefined && exits.trailingStopPct !== 0)
    return "trailing stops need the per-bar engine";
  if (exits.trailingStopAtr !== undefined && exits.trailingStopAtr !== 0)
    return "trailing stops need the per-bar engine";
  if (exits.timeExitBars !== undefined && exits.timeExitBars !== 0) return "time exits need the per-bar engine";
  if (spec.sizing && spec.sizing.type !== "percent-equity")
    return `sizing ${spec.sizing.type} is not screened (only percent-equity)`;
  const conditions = [spec.entry.long, spec.entry.short, spec.exit.long, spec.exit.short];
  if (conditions.some((c) => c !== undefined && hasDivergence(c))) return "divergence conditions are not screened";
  return undefined;
}

function hasDivergence(condition: Condition): boolean {
  if ("divergence" in condition) return true;
  if ("all" in condition) return condition.all.some(hasDivergence);
  if ("any" in condition) return condition.any.some(hasDivergence);
  if ("not" in condition) return hasDivergence(condition.not);
  return false;
}

/** The signal columns (bitsets) of a spec over the whole data set: computed once, traded on any range. */
export interface SpecSignals {
  readonly compiled: CompiledSpec;
  readonly entryLong: Bits | undefined;
  readonly entryShort: Bits | undefined;
  readonly exitLong: Bits | undefined;
  readonly exitShort: Bits | undefined;
  readonly atr: Float64Array | undefined;
}

/** Compiles the spec (the same validation as the engine) and evaluates its rules over every bar. */
export function specSignals(data: ScreeningData, spec: StrategySpec): SpecSignals | ScreenRefusal {
  const refused = screeningSupport(spec);
  if (refused !== undefined) return { ok: false, reason: refused };
  const compiled = compileSpec(spec);
  const signals = new SignalColumns(
    data.columns,
    data.series.length,
    compiled.declarations,
    compiled.parameters,
    data.conditions,
    data.parts,
  );
  const column = (c: Condition | undefined) => (c === undefined ? undefined : signals.evaluate(c));
  const exits = exitNumbers(compiled);
  const needsAtr = exits.stopLossAtr > 0 || exits.takeProfitAtr > 0;
  return {
    compiled,
    entryLong: column(spec.entry.long),
    entryShort: compiled.allowShort ? column(spec.entry.short) : undefined,
    exitLong: column(spec.exit.long),
    exitShort: column(spec.exit.short),
    atr: needsAtr ? data.columns.indicator({ type: "atr", period: exits.atrPeriod }).values : undefined,
  };
}

function exitNumbers(compiled: CompiledSpec) {
  const value = (key: keyof StrategySpec["exits"]): number => {
    const raw = compiled.spec.exits[key];
    if (raw === undefined) return 0;
    return typeof raw === "number" ? raw : (compiled.parameters[raw.slice(1)] ?? 0);
  };
  return {
    stopLossPct: value("stopLossPct"),
    stopLossAtr: value("stopLossAtr"),
    takeProfitPct: value("takeProfitPct"),
    takeProfitAtr: value("takeProfitAtr"),
    atrPeriod: value("atrPeriod") || 14,
  };
}

/** Trades a spec's signals on bars [from, to) of the data set (default: all of it). */
export function tradeSignals(
  data: ScreeningData,
  signals: SpecSignals,
  settings: ScreenSettings,
  from = 0,
  to = data.series.length,
  keepReturns = true,
  /** Write the equity into the data set's scratch: the result's equity is then valid only until the next run. */
  reuseEquity = false,
  /** Keep each trade; false leaves `trades` empty (metrics still count them). */
  recordTrades = true,
): ScreenResult {
  const s = data.series;
  const sizing = signals.compiled.sizing;
  const result = simulateSignals({
    open: s.open,
    high: s.high,
    low: s.low,
    close: s.close,
    entryLong: signals.entryLong,
    entryShort: signals.entryShort,
    exitLong: signals.exitLong,
    exitShort: signals.exitShort,
    atr: signals.atr,
    exits: exitNumbers(signals.compiled),
    sizePercent: sizing?.type === "percent-equity" ? sizing.value : 100,
    takerFee: settings.fee,
    makerFee: settings.fee,
    cash: settings.cash,
    from,
    to,
    ...(reuseEquity ? { equityBuffer: data.equityScratch } : {}),
    recordTrades,
    returnsBuffer: keepReturns ? new Float64Array(Math.max(0, to - from)) : returnsScratch(to - from),
  });
  return {
    ok: true,
    trades: result.trades,
    equity: result.equity,
    metrics: runMetrics(result, settings.cash, data.periodsPerYear, keepReturns),
  };
}

/** Screens one spec over bars [from, to): its trades, equity and metrics, or why the engine must be used. */
export function screenSpec(
  data: ScreeningData,
  spec: StrategySpec,
  settings: ScreenSettings,
  from = 0,
  to = data.series.length,
  options: { keepReturns?: boolean; reuseEquity?: boolean; recordTrades?: boolean } = {},
): ScreenResult | ScreenRefusal {
  const signals = specSignals(data, spec);
  if ("ok" in signals) return signals;
  return tradeSignals(
    data,
    signals,
    settings,
    from,
    to,
    options.keepReturns ?? true,
    options.reuseEquity ?? false,
    options.recordTrades ?? true,
  );
}
