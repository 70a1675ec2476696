import { CandleBuffer } from "../domain/candle-buffer.js";
import type { Candle } from "../domain/candles.js";
import { StreamingColumns } from "../strategy/columns.js";
import type { Engine, Slot, SlotConfig } from "./engine.js";

/**
 * Drives the engine from a feed that delivers one closed bar at a time (paper and live trading). Each bar is
 * appended to the slot's buffer and its streaming indicators, then the same `Engine.step` a backtest calls runs.
 */
export class LiveRunner {
  readonly #engine: Engine;
  readonly #slots = new Map<string, { slot: Slot; buffer: CandleBuffer; columns: StreamingColumns }>();

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  addSlot(config: SlotConfig): Slot {
    if (this.#slots.has(config.symbol)) throw new RangeError(`symbol ${config.symbol} already has a slot`);
    const buffer = new CandleBuffer(config.symbol, config.timeframe);
    const columns = new StreamingColumns(1024, config.timeframe);
    const slot = this.#engine.addSlot(config, () => buffer.view(), columns);
    this.#slots.set(config.symbol, { slot, buffer, columns });
    return slot;
  }

  /** A bar of `symbol` has closed. Returns the equity after the engine processed it. */
  onBar(symbol: string, bar: Candle): number {
    const entry = this.#slots.get(symbol);
    if (!entry) throw new RangeError(`no slot for ${symbol}`);
    for (const [field, value] of Object.entries(bar)) {
      if (!Number.isFinite(value))
        throw new RangeError(`${symbol}: bar ${field} is ${value}; a feed must not deliver it`);
    }
    const index = entry.buffer.append(bar);
    entry.columns.append(bar);
    this.#engine.step(entry.slot, index);
    return this.#engine.observe(bar.time);
  }
}
