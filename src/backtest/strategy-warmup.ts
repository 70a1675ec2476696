import type { CandleSeries } from "../domain/candles.js";
import { BatchColumns } from "../strategy/columns.js";
import { type Column, type Cursor, SeriesReader, type Strategy, type StrategySetup } from "../strategy/strategy.js";

/**
 * How many leading bars of `series` the strategy's columns are undefined (NaN) for: the index of the first bar at
 * which every price and indicator column the strategy asks for in `init` has a value. Found by asking the strategy
 * itself, so it works for specs and hand-written strategies alike. Returns `series.length` when that bar never
 * comes (a period longer than the data).
 */
export function strategyLookback(strategy: Strategy, series: CandleSeries): number {
  const columns = new BatchColumns(series);
  const requested: Column[] = [];
  const cursor: Cursor = { index: -1 };
  const setup: StrategySetup = {
    symbol: series.symbol,
    timeframe: series.timeframe,
    price: (field) => {
      const column = columns.price(field);
      requested.push(column);
      return new SeriesReader(column, cursor);
    },
    indicator: (declaration, output) => {
      const column = columns.indicator(declaration, output);
      requested.push(column);
      return new SeriesReader(column, cursor);
    },
  };
  strategy.init(setup);
  let first = 0;
  for (const column of requested) {
    const values = column.values;
    let i = 0;
    while (i < series.length && Number.isNaN(values[i] as number)) i++;
    if (i > first) first = i;
  }
  return first;
}

/**
 * Warm-up, in bars, to give a backtest window before its first traded bar: three times the longest lookback, so
 * recursive indicators (EMA, RSI, ATR: their seed's weight decays like (1 - 1/period)^bars) have mostly forgotten
 * where they started and a window's first signals match those of one long run.
 */
export function defaultWarmupBars(lookback: number): number {
  return 3 * lookback;
}
