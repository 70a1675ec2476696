import type { Candle, CandleSeries } from "../domain/candles.js";
import type { StreamingIndicator } from "../indicators/types.js";
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

function derivedPrice(field: PriceField, o: number, h: number, l: number, c: number, v: number): number {
  switch (field) {
    case "open":
      return o;
    case "high":
      return h;
    case "low":
      return l;
    case "close":
      return c;
    case "volume":
      return v;
    case "hl2":
      return (h + l) / 2;
    case "hlc3":
      return (h + l + c) / 3;
    case "ohlc4":
      return (o + h + l + c) / 4;
  }
}

/**
 * Backtest columns: each indicator is computed once over the whole series with the batch function. This is safe
 * from look-ahead because every batch indicator is causal (property-tested: changing later bars never changes an
 * earlier output) and strategies read columns only through readers that stop at the current bar.
 */
export class BatchColumns implements ColumnSource {
  readonly #series: CandleSeries;
  readonly #cache = new Map<string, Column>();

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

interface StreamEntry {
  source: PriceField;
  indicator: StreamingIndicator<StreamInput, Float64Array>;
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

  constructor(initialCapacity = 1024) {
    this.#capacity = Math.max(16, initialCapacity);
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
      entry = {
        source: declaration.source ?? "close",
        indicator: kind.stream(resolveIndicatorParams(declaration)),
        columns: kind.outputs.map(() => ({ values: new Float64Array(this.#capacity) })),
      };
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
      const values = entry.indicator.update(input);
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
