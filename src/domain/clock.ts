/** Cancels a timer; calling it after the timer fired does nothing. */
export type CancelTimer = () => void;

/**
 * Where "now" comes from, and how to be called back later. Backtests and tests advance a manual clock; live
 * trading reads the system clock. Everything time-dependent in the runtime (bar-close scheduling, order
 * time-outs, stale-feed detection, heartbeats) goes through this, so no test ever sleeps.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` once, `delayMs` from now. */
  setTimer(delayMs: number, callback: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};

interface PendingTimer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to. Timers fire during `advance`/`set`, in due-time order (ties in the order
 * they were set), each seeing `now()` equal to its due time, as they would on a real clock.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: PendingTimer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): CancelTimer {
    const timer: PendingTimer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  set(time: number): void {
    if (time < this.#now) throw new RangeError(`a clock does not go back: ${time} < ${this.#now}`);
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.#timers)
        if (t.at <= time && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      const due = next;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.callback();
    }
    this.#now = time;
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }
}
