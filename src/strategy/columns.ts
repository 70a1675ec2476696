import { inferTimeframe } from "../data/infer-timeframe.js";
import { resample } from "../data/resample.js";
import type { Candle, CandleSeries } from "../domain/candles.js";
import { type Timeframe, timeframeMs } from "../domain/timeframe.js";
import type { StreamingIndicator } from "../indicators/types.js";
import { derivedPrice } from "./derived-price.js";
import { alignToBaseBars, HigherTimeframeStream } from "./higher-timeframe.js";
import {
  INDICATOR_CATALOG,
  type IndicatorInputs,
  indicatorKey,
  resolveIndicatorParams,
  type StreamInput,
} from "./indicator-catalog.js";
import type { IndicatorDeclaration } from "./spec/schema.js";
import type { Column, PriceField } from "./strategy.js";

/** Supplies price and indicator columns for one slot. */
export interface ColumnSource {
  price(field: PriceField): Column;
  indicator(declaration: IndicatorDeclaration, output?: string): Column;
}

function outputIndex(declaration: IndicatorDeclaration, output: string | undefined): number {
  const kind = INDICATOR_CATALOG[declaration.type];
  if (output === undefined) return 0;
  const index = kind.outputs.indexOf(output);
  if (index < 0) {
    throw new TypeError(
      `indicator ${declaration.type} has no output "${output}" (outputs: ${kind.outputs.join(", ")})`,
    );
  }
  return index;
}

/**
 * Backtest columns: each indicator is computed once over the whole series with the batch function. This is safe
 * from look-ahead because every batch indicator is causal (property-tested: changing later bars never changes an
 * earlier output) and strategies read columns only through readers that stop at the current bar.
 */
export class BatchColumns implements ColumnSource {
  readonly #series: CandleSeries;
  readonly #cache = new Map<string, Column>();
  readonly #higher = new Map<Timeframe, BatchColumns>();

  constructor(series: CandleSeries) {
    this.#series = series;
  }

  price(field: PriceField): Column {
    const key = `price:${field}`;
    let column = this.#cache.get(key);
    if (column) return column;
    const s = this.#series;
    const direct = field === "hl2" || field === "hlc3" || field === "ohlc4" ? undefined : s[field];
    if (direct) column = { values: direct };
    else {
      const values = new Float64Array(s.length);
      for (let i = 0; i < s.length; i++) {
        values[i] = derivedPrice(field, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!);
      }
      column = { values };
    }
    this.#cache.set(key, column);
    return column;
  }

  indicator(declaration: IndicatorDeclaration, output?: string): Column {
    const kind = INDICATOR_CATALOG[declaration.type];
    const name = kind.outputs[outputIndex(declaration, output)] as string;
    const base = indicatorKey(declaration);
    const key = `${base}.${name}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const s = this.#series;
    if (declaration.timeframe && declaration.timeframe !== s.timeframe) {
      const baseTf = baseTimeframe(s.timeframe ?? inferTimeframe(s), declaration.timeframe, s.symbol);
      // Computed once on the resampled series, then each output is aligned to the base bars that may see it.
      const { timeframe, ...onHigher } = declaration;
      let higher = this.#higher.get(timeframe);
      if (!higher) this.#higher.set(timeframe, (higher = new BatchColumns(resample(s, timeframe).series)));
      const higherSeries = higher.#series;
      for (const outputName of kind.outputs) {
        const values = higher.indicator(onHigher, outputName).values;
        const aligned = alignToBaseBars(s.time, baseTf, higherSeries.time, timeframe, values);
        this.#cache.set(`${base}.${outputName}`, { values: aligned });
      }
      return this.#cache.get(key) as Column;
    }
    const inputs: IndicatorInputs = {
      real: this.price(declaration.source ?? "close").values,
      time: s.time,
      high: s.high,
      low: s.low,
      close: s.close,
      volume: s.volume,
    };
    const outputs = kind.batch(inputs, resolveIndicatorParams(declaration));
    for (const [outputName, values] of Object.entries(outputs)) this.#cache.set(`${base}.${outputName}`, { values });
    return this.#cache.get(key) as Column;
  }
}

/**
 * The timeframe of the bars a higher-timeframe indicator is aligned to; refuses a timeframe that is not a whole
 * multiple above it, or bars whose timeframe is unknown, naming both.
 */
function baseTimeframe(base: Timeframe | undefined, higher: Timeframe, symbol: string): Timeframe {
  if (base === undefined) {
    throw new RangeError(`${symbol}: an indicator on ${higher} bars needs the timeframe of the data, which is unknown`);
  }
  const ratio = timeframeMs(higher) / timeframeMs(base);
  if (!(ratio >= 1 && Number.isInteger(ratio))) {
    throw new RangeError(
      `${symbol}: an indicator on ${higher} bars cannot be computed from ${base} bars: ${higher} must be a whole multiple of ${base}, and not lower`,
    );
  }
  return base;
}

interface StreamEntry {
  source: PriceField;
  indicator: StreamingIndicator<StreamInput, Float64Array>;
  /** Set for an indicator on a higher timeframe: it aggregates the base bars and updates `indicator` itself. */
  higher?: HigherTimeframeStream;
  columns: Column[];
}

/**
 * Live and paper columns: bars arrive one at a time and every indicator is updated with its streaming form. The
 * values equal the batch form's (tested), so a paper session replayed as a backtest makes the same decisions.
 */
export class StreamingColumns implements ColumnSource {
  #length = 0;
  #capacity: number;
  readonly #prices = new Map<PriceField, Column>();
  readonly #entries = new Map<string, StreamEntry>();
  readonly #input: StreamInput = { real: 0, time: 0, high: 0, low: 0, close: 0, volume: 0 };
  readonly #timeframe: Timeframe | undefined;

  /** `timeframe` is that of the bars to come; indicators on a higher timeframe need it. */
  constructor(initialCapacity = 1024, timeframe?: Timeframe) {
    this.#capacity = Math.max(16, initialCapacity);
    this.#timeframe = timeframe;
  }

  get length(): number {
    return this.#length;
  }

  price(field: PriceField): Column {
    let column = this.#prices.get(field);
    if (!column) {
      column = { values: new Float64Array(this.#capacity) };
      if (this.#length > 0)
        throw new Error(`price column ${field} requested after bars arrived; declare it during init`);
      this.#prices.set(field, column);
    }
    return column;
  }

  indicator(declaration: IndicatorDeclaration, output?: string): Column {
    const index = outputIndex(declaration, output);
    const key = indicatorKey(declaration);
    let entry = this.#entries.get(key);
    if (!entry) {
      if (this.#length > 0) throw new Error(`indicator ${key} requested after bars arrived; declare it during init`);
      const kind = INDICATOR_CATALOG[declaration.type];
      const source = declaration.source ?? "close";
      const { timeframe, ...onHigher } = declaration;
      const indicator = kind.stream(resolveIndicatorParams(onHigher));
      entry = { source, indicator, columns: kind.outputs.map(() => ({ values: new Float64Array(this.#capacity) })) };
      if (timeframe && timeframe !== this.#timeframe) {
        const base = baseTimeframe(this.#timeframe, timeframe, "streaming columns");
        entry.higher = new HigherTimeframeStream(timeframe, base, source, indicator, kind.outputs.length);
      }
      this.#entries.set(key, entry);
    }
    return entry.columns[index] as Column;
  }

  /** Appends one closed bar: every price column and indicator gets its value at the new index. */
  append(bar: Candle): number {
    if (this.#length === this.#capacity) this.#grow();
    const i = this.#length;
    for (const [field, column] of this.#prices) {
      column.values[i] = derivedPrice(field, bar.open, bar.high, bar.low, bar.close, bar.volume);
    }
    const input = this.#input;
    input.time = bar.time;
    input.high = bar.high;
    input.low = bar.low;
    input.close = bar.close;
    input.volume = bar.volume;
    for (const entry of this.#entries.values()) {
      input.real = derivedPrice(entry.source, bar.open, bar.high, bar.low, bar.close, bar.volume);
      const values = entry.higher ? entry.higher.append(bar) : entry.indicator.update(input);
      for (let k = 0; k < entry.columns.length; k++) (entry.columns[k] as Column).values[i] = values[k] as number;
    }
    this.#length = i + 1;
    return i;
  }

  // Doubling keeps appends amortised O(1); readers hold the Column object, so swapping its array is invisible to them.
  #grow(): void {
    this.#capacity *= 2;
    const grow = (column: Column): void => {
      const next = new Float64Array(this.#capacity);
      next.set(column.values);
      column.values = next;
    };
    for (const column of this.#prices.values()) grow(column);
    for (const entry of this.#entries.values()) for (const column of entry.columns) grow(column);
  }
}
