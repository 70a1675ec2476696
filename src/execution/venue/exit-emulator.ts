import type { CandleSeries } from "../../domain/candles.js";
import type { AttachedExits } from "../../domain/order.js";
import { effectiveStop, exitsFor, type PositionExits } from "../position-exits.js";

/** The exits of one position as the emulator keeps them; part of the committed session state. */
export interface EmulatedExit extends PositionExits {
  /** The reduce order the emulator sent when an exit triggered, until it is done; null while armed. */
  orderId: string | null;
}

/** What made an emulated exit fire. */
export interface ExitTrigger {
  readonly symbol: string;
  readonly reason: string;
}

/**
 * The engine-side order emulator (as NautilusTrader's) for venues without attached exits: it watches each closed
 * bar and, when a stop-loss, take-profit, trailing stop or time limit is hit, asks for a market order that reduces
 * the position to nothing. It never touches the venue itself; the caller sends the order through the normal path
 * (journaled, committed, then sent). Its state is plain data so that it is committed with each step and survives a
 * restart; an exit whose order never reached the venue is re-armed and fires again on the next bar.
 */
export class ExitEmulator {
  readonly #exits = new Map<string, EmulatedExit>();

  /** Arms the exits `attach` asks for around a position just opened at `price` on bar `index`. */
  arm(symbol: string, attach: AttachedExits, side: 1 | -1, price: number, index: number): void {
    const exits = exitsFor(attach, side, price, index, index + 1);
    this.#exits.set(symbol, { ...exits, orderId: null });
  }

  /** The position of `symbol` is gone: nothing left to protect. */
  disarm(symbol: string): void {
    this.#exits.delete(symbol);
  }

  has(symbol: string): boolean {
    return this.#exits.has(symbol);
  }

  levels(symbol: string): { stop: number; target: number } | undefined {
    const e = this.#exits.get(symbol);
    return e ? { stop: effectiveStop(e), target: e.target } : undefined;
  }

  /** Moves the stop of `symbol`'s position, arming a stop-only exit when there was none. */
  setStop(symbol: string, stop: number, side: 1 | -1, index: number): void {
    const e = this.#exits.get(symbol);
    if (e) e.stop = stop;
    else this.#exits.set(symbol, { ...exitsFor({}, side, stop, index, index + 1), stop, orderId: null });
  }

  /** The exit order of `symbol` ended without closing the position (rejected, cancelled, never sent): re-arm. */
  rearm(orderId: string): void {
    for (const e of this.#exits.values()) if (e.orderId === orderId) e.orderId = null;
  }

  /** Checks bar `index` of `series`, which has closed; returns what fired (the caller sends the reduce order). */
  check(symbol: string, series: CandleSeries, index: number): ExitTrigger | undefined {
    const e = this.#exits.get(symbol);
    if (!e || e.orderId !== null || index < e.activeFrom) return undefined;
    const high = series.high[index] as number;
    const low = series.low[index] as number;
    const stop = effectiveStop(e);
    let reason: string | undefined;
    if (!Number.isNaN(stop) && (e.side === 1 ? low <= stop : high >= stop)) reason = `stop-loss at ${stop}`;
    else if (!Number.isNaN(e.target) && (e.side === 1 ? high >= e.target : low <= e.target))
      reason = `take-profit at ${e.target}`;
    else if (e.maxBars > 0 && index - e.openedIndex >= e.maxBars) reason = `time exit after ${e.maxBars} bars`;
    // The trailing anchor follows the best price of each closed bar, for use from the next bar on.
    e.anchor = e.side === 1 ? Math.max(e.anchor, high) : Math.min(e.anchor, low);
    return reason ? { symbol, reason: `emulated ${reason}` } : undefined;
  }

  /** Records the order an exit sent, so that it fires once. */
  sent(symbol: string, orderId: string): void {
    const e = this.#exits.get(symbol);
    if (e) e.orderId = orderId;
  }

  snapshot(): Record<string, EmulatedExit> {
    return Object.fromEntries([...this.#exits].map(([symbol, e]) => [symbol, { ...e }]));
  }

  restore(exits: Readonly<Record<string, EmulatedExit>>, shift: (symbol: string) => number): void {
    this.#exits.clear();
    for (const [symbol, e] of Object.entries(exits)) {
      const by = shift(symbol);
      // JSON keeps NaN ("no stop", "no target") as null.
      this.#exits.set(symbol, {
        ...e,
        stop: e.stop ?? Number.NaN,
        target: e.target ?? Number.NaN,
        openedIndex: e.openedIndex + by,
        activeFrom: e.activeFrom + by,
      });
    }
  }
}
