import type { Candle } from "../../domain/candles.js";
import type { CancelTimer, Clock } from "../../domain/clock.js";
import type { ClosedBar } from "../live-runner.js";

export interface StepAssemblerOptions {
  readonly symbols: readonly string[];
  /** Bar length in ms; every symbol trades the same timeframe. */
  readonly barMs: number;
  readonly clock: Clock;
  /**
   * How long after a bar's close to wait for the other symbols' bars of that instant before stepping without
   * them (default 5 s): one slow feed must not hold back every other symbol.
   */
  readonly graceMs?: number;
  /**
   * When the bar of `symbol` opening at `barTime` closes (default one bar length later): a daily stock bar closes at
   * its session's end, and its step at that instant (MarketFeed.barClose).
   */
  readonly barClose?: (symbol: string, barTime: number) => number | undefined;
  /** Each bar carries its step's close time. */
  readonly onStep: (bars: ClosedBar[]) => void;
  /** A bar arrived after its time step had already run: it is not traded (the feed monitor flags the gap). */
  readonly onLate?: (bar: ClosedBar) => void;
}

/**
 * Groups closed bars from several symbols into time steps: all bars closing at one instant step together, as in a
 * backtest, so that the risk layers observe equity once per instant. A step runs as soon as every symbol
 * delivered its bar, or when the grace period after the close runs out.
 */
export class StepAssembler {
  readonly #options: StepAssemblerOptions;
  readonly #graceMs: number;
  /** Close time → bars received for it. */
  readonly #pending = new Map<number, Map<string, Candle>>();
  readonly #timers = new Map<number, CancelTimer>();
  #lastStepClose = Number.NEGATIVE_INFINITY;

  constructor(options: StepAssemblerOptions) {
    if (options.symbols.length === 0) throw new RangeError("a step assembler needs at least one symbol");
    this.#options = options;
    this.#graceMs = options.graceMs ?? 5000;
  }

  /** The close time of the last step that ran. */
  get lastStepClose(): number {
    return this.#lastStepClose;
  }

  /** Resumes after a restart: bars closing at or before `close` were already traded. */
  resumeAfter(close: number): void {
    this.#lastStepClose = close;
  }

  add(symbol: string, bar: Candle): void {
    const close = this.#options.barClose?.(symbol, bar.time) ?? bar.time + this.#options.barMs;
    if (close <= this.#lastStepClose) {
      this.#options.onLate?.({ symbol, bar });
      return;
    }
    let bars = this.#pending.get(close);
    if (!bars) {
      bars = new Map();
      this.#pending.set(close, bars);
      const wait = close + this.#graceMs - this.#options.clock.now();
      this.#timers.set(
        close,
        this.#options.clock.setTimer(wait, () => this.#flushThrough(close)),
      );
    }
    bars.set(symbol, bar);
    if (bars.size === this.#options.symbols.length) this.#flushThrough(close);
  }

  /** Runs every pending step up to `close`, oldest first (an earlier incomplete step cannot wait any longer). */
  #flushThrough(close: number): void {
    const due = [...this.#pending.keys()].filter((c) => c <= close).sort((a, b) => a - b);
    for (const c of due) {
      const bars = this.#pending.get(c) as Map<string, Candle>;
      this.#pending.delete(c);
      this.#timers.get(c)?.();
      this.#timers.delete(c);
      this.#lastStepClose = c;
      // Slot order, as the backtest steps them.
      const step: ClosedBar[] = [];
      for (const symbol of this.#options.symbols) {
        const bar = bars.get(symbol);
        if (bar) step.push({ symbol, bar, close: c });
      }
      this.#options.onStep(step);
    }
  }

  /** Stops every timer (graceful shutdown); bars still pending are dropped. */
  close(): void {
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    this.#pending.clear();
  }
}
