/** Calls `tick` every `ms` until the returned function is called (injected so tests tick by hand). */
export type Ticker = (ms: number, tick: () => void) => () => void;

/** The real ticker: an interval that never keeps the process alive on its own. */
export const intervalTicker: Ticker = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface HeartbeatOptions {
  /** One beat per this many ms (default 1000). */
  readonly everyMs?: number;
  /** Beats in a row left unanswered before the worker counts as hung (default 3). */
  readonly missedBeats?: number;
  readonly ticker?: Ticker;
  /** Monotonic ms (default performance.now): a tick that comes late shows the whole process was starved. */
  readonly now?: () => number;
}

/**
 * The trading thread's check that the API worker still turns its event loop: a crash shows as an `exit`, but a worker
 * stuck in a loop (or a query that never yields) is alive and silent. Each tick posts a beat; the worker answers
 * each from its event loop, so any answer means it turned. `missedBeats` ticks with no answer → `onHung`, once.
 * It only posts and counts, so a hung worker costs the trading thread nothing.
 */
export class Heartbeat {
  readonly everyMs: number;
  readonly missedBeats: number;
  #unanswered = 0;
  #next = 1;
  #stop: (() => void) | undefined;
  readonly #now: () => number;
  #lastTick: number;

  constructor(
    options: HeartbeatOptions,
    readonly io: { readonly send: (id: number) => void; readonly onHung: (silentMs: number) => void },
  ) {
    this.everyMs = options.everyMs ?? 1000;
    this.missedBeats = options.missedBeats ?? 3;
    if (!(this.everyMs > 0)) throw new Error(`heartbeat everyMs must be > 0, got ${this.everyMs}`);
    if (!(Number.isInteger(this.missedBeats) && this.missedBeats >= 1))
      throw new Error(`heartbeat missedBeats must be a whole number ≥ 1, got ${this.missedBeats}`);
    this.#now = options.now ?? (() => performance.now());
    this.#lastTick = this.#now();
    const ticker = options.ticker ?? intervalTicker;
    this.#stop = ticker(this.everyMs, () => this.#tick());
  }

  /** Beats sent and not answered since the last answer. */
  get unanswered(): number {
    return this.#unanswered;
  }

  /** The worker answered a beat: it is alive now, whatever it missed before. */
  answered(): void {
    this.#unanswered = 0;
  }

  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
  }

  #tick(): void {
    if (this.#stop === undefined) return;
    const now = this.#now();
    const late = now - this.#lastTick > 2 * this.everyMs;
    this.#lastTick = now;
    // A tick twice as late as due: this thread was not scheduled either (a saturated machine, a long GC), so the
    // worker had no fair chance to answer; the beats out are counted again from one rather than blamed on it.
    if (late && this.#unanswered > 0) this.#unanswered = 1;
    if (this.#unanswered >= this.missedBeats) {
      const silentMs = this.#unanswered * this.everyMs;
      this.stop();
      this.io.onHung(silentMs);
      return;
    }
    this.#unanswered++;
    this.io.send(this.#next++);
  }
}
