import type { CandleSeries } from "../../domain/candles.js";
import { BatchColumns, type ColumnSource } from "../../strategy/columns.js";
import { indicatorKey } from "../../strategy/indicator-catalog.js";
import { SeriesReader, type Strategy } from "../../strategy/strategy.js";
import type { IndicatorOverlay } from "./report-data.js";

/**
 * The indicators `strategy` reads on `series` (the two SMAs of sma-cross, a spec's declared indicators), found by
 * running its `init` against batch columns and recording what it asks for. Only those on the price scale are kept
 * (most values within a factor 2 of the price range): an RSI at 0–100 drawn over BTC at 30,000 would flatten the
 * candles into a line. `columns` may be the run's own over `series` (run-columns.ts): its indicators are reused.
 */
export function strategyOverlays(
  strategy: Strategy,
  series: CandleSeries,
  columns: ColumnSource = new BatchColumns(series),
): IndicatorOverlay[] {
  const cursor = { index: -1 };
  const asked = new Map<string, Float64Array>();
  strategy.init({
    symbol: series.symbol,
    timeframe: series.timeframe,
    price: (field) => new SeriesReader(columns.price(field), cursor),
    indicator: (declaration, output) => {
      const column = columns.indicator(declaration, output);
      asked.set(`${indicatorKey(declaration)}${output ? `.${output}` : ""}`, column.values);
      return new SeriesReader(column, cursor);
    },
  });
  const overlays: IndicatorOverlay[] = [];
  // Once for all the indicators: two passes over 4 M lows and highs per indicator were ~40 ms each.
  const range = asked.size > 0 ? priceRange(series) : { low: 0, high: 0 };
  for (const [label, values] of asked) {
    if (onPriceScale(values, range)) overlays.push({ symbol: series.symbol, label: shortLabel(label), values });
  }
  return overlays;
}

function priceRange(series: CandleSeries): { low: number; high: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < series.length; i++) {
    if (series.low[i]! < low) low = series.low[i]!;
    if (series.high[i]! > high) high = series.high[i]!;
  }
  return { low, high };
}

function onPriceScale(values: Float64Array, { low, high }: { low: number; high: number }): boolean {
  const bottom = low / 2;
  const top = high * 2;
  let finite = 0;
  let inside = 0;
  // An indexed loop: for-of over a 4 M-value typed array took ~3× as long, on the path that ends a run.
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v >= bottom && v <= top) inside++;
  }
  return finite > 0 && inside >= 0.9 * finite;
}

/** "sma(close;period=10)" → "SMA 10": what a legend has room for. */
function shortLabel(key: string): string {
  const match = /^(\w+)\((\w+);([^)]*)\)(\.\w+)?$/.exec(key);
  if (!match) return key;
  const [, type, source, params, output] = match;
  const values = (params ?? "")
    .split(",")
    .filter((p) => p !== "")
    .map((p) => p.split("=")[1])
    .join(",");
  return `${(type ?? "").toUpperCase()}${values ? ` ${values}` : ""}${source === "close" ? "" : ` of ${source}`}${output ?? ""}`;
}
