import type { CandleSeries } from "../domain/candles.js";
import { EMPTY_SNAPSHOT, type MarketSnapshot, REGIMES, type RegimeLabel } from "../risk/market-snapshot.js";
import type { Slot } from "./slot.js";

/** What the risk layers know about the slot's market at bar `index` (empty outside its bars). */
export function marketSnapshot(slot: Slot, index: number): MarketSnapshot {
  const series = slot.series();
  if (index < 0 || index >= series.length) return EMPTY_SNAPSHOT;
  return new LazySnapshot(slot, series, index);
}

/**
 * A MarketSnapshot whose indicator fields are read only when a layer asks for them: most decisions never look
 * at the regime, and the detector is the most expensive column to compute.
 */
export class LazySnapshot implements MarketSnapshot {
  readonly symbol: string;
  readonly index: number;
  readonly close: number;
  readonly high: number;
  readonly low: number;
  /** A constant of the slot (no column behind it), so read at once: several layers ask for it. */
  readonly periodsPerYear: number;
  readonly #slot: Slot;

  constructor(slot: Slot, series: CandleSeries, index: number) {
    this.#slot = slot;
    this.symbol = slot.config.symbol;
    this.index = index;
    this.close = series.close[index] as number;
    this.high = series.high[index] as number;
    this.low = series.low[index] as number;
    this.periodsPerYear = slot.risk.periodsPerYear;
  }

  // Readers answer for the slot's current bar, which is this snapshot's bar while the engine is on it.
  get atr(): number {
    return this.#slot.risk.atr.at(this.#slot.cursor.index - this.index);
  }

  get volatility(): number {
    return this.#slot.risk.volatility.at(this.#slot.cursor.index - this.index);
  }

  get regime(): RegimeLabel | undefined {
    const code = this.#slot.risk.regime?.at(this.#slot.cursor.index - this.index);
    return code !== undefined && code >= 0 && code < REGIMES.length ? REGIMES[code] : undefined;
  }

  toJSON(): Omit<MarketSnapshot, never> {
    return {
      symbol: this.symbol,
      index: this.index,
      close: this.close,
      high: this.high,
      low: this.low,
      atr: this.atr,
      volatility: this.volatility,
      periodsPerYear: this.periodsPerYear,
      regime: this.regime,
    };
  }
}
