import { CandleBuffer } from "../domain/candle-buffer.js";
import type { Candle } from "../domain/candles.js";
import { TIMEFRAMES } from "../domain/timeframe.js";
import { StreamingColumns } from "../strategy/columns.js";
import type { Strategy } from "../strategy/strategy.js";
import type { Engine, Slot, SlotConfig } from "./engine.js";

/** One closed bar of one symbol, as a feed delivers it. */
export interface ClosedBar {
  readonly symbol: string;
  readonly bar: Candle;
  /** When the bar's time step closed, where it is not one bar length after the bar's open (a daily stock bar). */
  readonly close?: number;
}

interface LiveSlot {
  readonly slot: Slot;
  readonly buffer: CandleBuffer;
  readonly columns: StreamingColumns;
  /** The columns of a strategy swapped in after bars arrived (`swapStrategy`); `columns` still feeds the risk layers. */
  strategyColumns?: StreamingColumns;
  /** Bar length in ms (the slot's timeframe). */
  readonly duration: number;
}

/**
 * Drives the engine from a feed that delivers closed bars (paper and live trading). Each bar is appended to the
 * slot's buffer and its streaming indicators, then the same `Engine.step` a backtest calls runs. Bars that close
 * at the same instant form one time step: every slot of that step is processed (in the order the slots were
 * added, as the backtest does), then the risk layers observe equity once, so that the kill switch sees in paper
 * exactly what it sees in a backtest.
 */
export class LiveRunner {
  readonly #engine: Engine;
  readonly #slots = new Map<string, LiveSlot>();
  readonly #order: LiveSlot[] = [];
  #shortest = Number.POSITIVE_INFINITY;
  #lastClose = Number.NEGATIVE_INFINITY;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  addSlot(config: SlotConfig): Slot {
    if (this.#slots.has(config.symbol)) throw new RangeError(`symbol ${config.symbol} already has a slot`);
    if (config.timeframe === undefined) throw new RangeError(`slot ${config.symbol} needs a timeframe when live`);
    const buffer = new CandleBuffer(config.symbol, config.timeframe);
    const columns = new StreamingColumns(1024, config.timeframe);
    const slot = this.#engine.addSlot(config, () => buffer.view(), columns);
    const entry: LiveSlot = { slot, buffer, columns, duration: TIMEFRAMES[config.timeframe] };
    this.#slots.set(config.symbol, entry);
    this.#order.push(entry);
    this.#shortest = Math.min(this.#shortest, entry.duration);
    return slot;
  }

  /**
   * Runs `strategy` on `symbol`'s slot from the next bar on, between two steps. Its indicators are computed afresh
   * over the slot's history, as at a start, so it decides at the next bar as if it had been started with the session.
   */
  swapStrategy(symbol: string, strategy: Strategy): Slot {
    const entry = this.#slots.get(symbol);
    if (!entry) throw new RangeError(`no slot for ${symbol}`);
    const columns = new StreamingColumns(Math.max(1024, entry.buffer.length * 2), entry.slot.config.timeframe);
    this.#engine.swapStrategy(entry.slot, strategy, columns);
    const series = entry.buffer.view();
    for (let i = 0; i < entry.buffer.length; i++) {
      columns.append({
        time: series.time[i] as number,
        open: series.open[i] as number,
        high: series.high[i] as number,
        low: series.low[i] as number,
        close: series.close[i] as number,
        volume: series.volume[i] as number,
      });
    }
    entry.strategyColumns = columns;
    return entry.slot;
  }

  /** The bar a slot has seen last (for gap back-fill after a reconnect), or undefined before the first. */
  lastBarTime(symbol: string): number | undefined {
    const entry = this.#slots.get(symbol);
    if (!entry || entry.buffer.length === 0) return undefined;
    return entry.buffer.view().time[entry.buffer.length - 1];
  }

  /**
   * Appends a closed bar to the slot's history and indicators without trading on it: the warm-up after a start,
   * so that a 200-bar average is ready at the first live bar.
   */
  warm(symbol: string, bar: Candle): void {
    const entry = this.#slots.get(symbol);
    if (!entry) throw new RangeError(`no slot for ${symbol}`);
    const last = this.lastBarTime(symbol);
    if (last !== undefined && bar.time <= last)
      throw new RangeError(`${symbol}: warm-up bar ${bar.time} is not after ${last}`);
    entry.buffer.append(bar);
    entry.columns.append(bar);
    entry.strategyColumns?.append(bar);
    this.#lastClose = Math.max(this.#lastClose, bar.time + entry.duration);
  }

  /** Index of the bar of `symbol` that opened at `time` in this runner's history, or -1. */
  indexOf(symbol: string, time: number): number {
    const entry = this.#slots.get(symbol);
    if (!entry) return -1;
    const times = entry.buffer.view().time;
    let lo = 0;
    let hi = entry.buffer.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = times[mid] as number;
      if (t === time) return mid;
      if (t < time) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** A bar of `symbol` has closed and no other symbol closes at that instant. Returns the equity after it. */
  onBar(symbol: string, bar: Candle): number {
    return this.onStep([{ symbol, bar }]);
  }

  /**
   * One time step: bars that all close at the same instant. Each is checked, appended and stepped; then the risk
   * layers observe once. Returns the equity after the step.
   */
  onStep(bars: readonly ClosedBar[]): number {
    for (const { symbol } of bars) {
      if (this.#slots.get(symbol)?.slot.async)
        throw new RangeError(`${symbol} has an asynchronous signal source: drive it with onStepAsync`);
    }
    const due = this.#due(bars);
    for (const entry of this.#order) {
      const bar = due.bars.get(entry);
      if (bar === undefined) continue;
      this.#engine.step(entry.slot, this.#append(entry, bar));
    }
    // Labelled like the backtest's equity: by the open time of the shortest bar closing at this instant.
    return this.#engine.observe(due.close - this.#shortest);
  }

  /**
   * `onStep` for slots with asynchronous signal sources: each slot's decision waits for its sources (up to their
   * deadlines) before the next slot steps, so decisions happen in the same order as in a backtest.
   */
  async onStepAsync(bars: readonly ClosedBar[]): Promise<number> {
    const due = this.#due(bars);
    for (const entry of this.#order) {
      const bar = due.bars.get(entry);
      if (bar === undefined) continue;
      const index = this.#append(entry, bar);
      if (entry.slot.async) await this.#engine.stepAsync(entry.slot, index);
      else this.#engine.step(entry.slot, index);
    }
    return this.#engine.observe(due.close - this.#shortest);
  }

  #append(entry: LiveSlot, bar: Candle): number {
    const index = entry.buffer.append(bar);
    entry.columns.append(bar);
    entry.strategyColumns?.append(bar);
    return index;
  }

  /** Checks one time step's bars and says which slot gets which, and when they close. */
  #due(bars: readonly ClosedBar[]): { bars: Map<LiveSlot, Candle>; close: number } {
    if (bars.length === 0) throw new RangeError("a time step needs at least one bar");
    const due = new Map<LiveSlot, Candle>();
    let close = Number.NaN;
    for (const { symbol, bar } of bars) {
      const entry = this.#slots.get(symbol);
      if (!entry) throw new RangeError(`no slot for ${symbol}`);
      for (const [field, value] of Object.entries(bar)) {
        if (!Number.isFinite(value))
          throw new RangeError(`${symbol}: bar ${field} is ${value}; a feed must not deliver it`);
      }
      const barClose = bar.time + entry.duration;
      if (Number.isNaN(close)) close = barClose;
      else if (barClose !== close)
        throw new RangeError(`${symbol}: bar closes at ${barClose}, not with the rest of its step at ${close}`);
      if (due.has(entry)) throw new RangeError(`${symbol}: two bars in one time step`);
      due.set(entry, bar);
    }
    if (close <= this.#lastClose)
      throw new RangeError(`time step closing at ${close} is not after the previous one (${this.#lastClose})`);
    this.#lastClose = close;
    return { bars: due, close };
  }
}
