import type { CandleSeries } from "../../domain/candles.js";
import { BatchColumns } from "../columns.js";
import { type Cursor, SeriesReader, type Strategy, type StrategySetup, type StrategySignal } from "../strategy.js";

/**
 * The signal a strategy gives at every bar of `series` while flat (position 0), as the engine would ask for it,
 * without fills: for testing conditions in isolation. Index i holds the signal after bar i closed.
 */
export function flatSignals(strategy: Strategy, series: CandleSeries): (StrategySignal | undefined)[] {
  const columns = new BatchColumns(series);
  const cursor: Cursor = { index: -1 };
  const setup: StrategySetup = {
    symbol: series.symbol,
    timeframe: series.timeframe,
    price: (field) => new SeriesReader(columns.price(field), cursor),
    indicator: (declaration, output) => new SeriesReader(columns.indicator(declaration, output), cursor),
  };
  const onBar = strategy.init(setup);
  const out: (StrategySignal | undefined)[] = [];
  for (let i = 0; i < series.length; i++) {
    cursor.index = i;
    out.push(
      onBar({ index: i, time: series.time[i] as number, position: { quantity: 0, entryPrice: 0, barsHeld: -1 } }),
    );
  }
  return out;
}

/** The first `length` bars of a series (a copy), as if the data ended there. */
export function prefix(series: CandleSeries, length: number): CandleSeries {
  return {
    ...series,
    length,
    time: series.time.slice(0, length),
    open: series.open.slice(0, length),
    high: series.high.slice(0, length),
    low: series.low.slice(0, length),
    close: series.close.slice(0, length),
    volume: series.volume.slice(0, length),
  };
}
