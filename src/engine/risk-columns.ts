import { TIMEFRAMES, type Timeframe } from "../domain/timeframe.js";
import type { ColumnSource } from "../strategy/columns.js";
import type { SeriesReader, StrategySetup } from "../strategy/strategy.js";

/** Columns the risk layers and position management read (ATR, volatility, regime). */
export interface RiskColumns {
  readonly atr: SeriesReader;
  readonly volatility: SeriesReader;
  readonly regime: SeriesReader | undefined;
  readonly periodsPerYear: number;
}

/**
 * A slot's risk columns, each made on first use (batch), so a run that never trades never pays for the regime
 * detector; streaming columns must exist before bar one, so the engine reads them all up front for those.
 */
export function lazyRiskColumns(
  setup: StrategySetup,
  columns: ColumnSource,
  regimeColumn: ((columns: ColumnSource, setup: StrategySetup) => SeriesReader | undefined) | undefined,
  timeframe: Timeframe | undefined,
): RiskColumns {
  let atr: SeriesReader | undefined;
  let volatility: SeriesReader | undefined;
  let regime: SeriesReader | undefined | null;
  return {
    get atr() {
      atr ??= setup.indicator({ type: "atr", period: 14 });
      return atr;
    },
    get volatility() {
      volatility ??= setup.indicator({ type: "volatility", period: 20 });
      return volatility;
    },
    get regime() {
      if (regime === undefined) regime = regimeColumn?.(columns, setup) ?? null;
      return regime ?? undefined;
    },
    periodsPerYear: timeframe ? (365 * 86_400_000) / TIMEFRAMES[timeframe] : Number.NaN,
  };
}
