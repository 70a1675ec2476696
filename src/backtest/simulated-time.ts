import type { Clock } from "../domain/clock.js";
import type { DeadlineTimer } from "../engine/slot-sources.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

/**
 * Time for asynchronous signal sources in a backtest. Sources that wait (a modelled latency, a replayed LLM answer
 * that took 800 ms) wait on `clock`; the engine's deadlines run on `deadline`; `settle` drives both until a step is
 * done. Simulated time moves only when every source still working waits on `clock`: then it jumps to the next
 * timer, or to the deadline when that comes first (the late source abstains, as it would live). Work that is not
 * waiting on `clock` (a file read, a local model) takes no simulated time and is awaited, so the result does not
 * depend on how fast the machine is. One caveat: while another source waits on `clock`, such work is not waited
 * for before time jumps; give every source of a backtest its latency through `clock` to stay deterministic.
 */
export class SimulatedTime {
  #now: number;
  #seq = 0;
  readonly #timers: Timer[] = [];
  readonly #deadlines: Timer[] = [];
  #wake: (() => void) | undefined;

  constructor(start = 0) {
    this.#now = start;
  }

  /** For sources: `now()` is the decision instant (the close of the bar being decided on). */
  readonly clock: Clock = {
    now: () => this.#now,
    setTimer: (delayMs, callback) => {
      const timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fire: callback };
      this.#timers.push(timer);
      this.#wake?.();
      return () => remove(this.#timers, timer);
    },
  };

  /** For the engine (`EngineParts.deadline`). */
  readonly deadline: DeadlineTimer = (ms) => {
    let resolve!: () => void;
    const expired = new Promise<void>((r) => {
      resolve = r;
    });
    const timer = { at: this.#now + ms, seq: this.#seq++, fire: resolve };
    this.#deadlines.push(timer);
    return { expired, cancel: () => remove(this.#deadlines, timer) };
  };

  now(): number {
    return this.#now;
  }

  /** Moves to `time` (never back), firing every timer due by then in order. */
  moveTo(time: number): void {
    for (;;) {
      const next = earliest(this.#timers, earliest(this.#deadlines, undefined));
      if (next === undefined || next.at > time) break;
      this.#fire(next);
    }
    if (time > this.#now) this.#now = time;
  }

  /** Drives simulated time until `work` (a step with asynchronous sources) is done. */
  async settle<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const finished = work.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    for (;;) {
      // One macrotask turn: every promise chain that can move without waiting does.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done) return work;
      const timer = earliest(this.#timers, undefined);
      const deadline = earliest(this.#deadlines, undefined);
      // A source timer due at the deadline fires first: an answer at the deadline is on time.
      if (timer !== undefined && (deadline === undefined || timer.at <= deadline.at)) this.#fire(timer);
      else if (timer !== undefined && deadline !== undefined) this.#fire(deadline);
      else {
        // Nothing waits on simulated time: the sources are working; wait for them or for a timer they set.
        await Promise.race([
          finished,
          new Promise<void>((resolve) => {
            this.#wake = resolve;
          }),
        ]);
        this.#wake = undefined;
      }
    }
  }

  #fire(timer: Timer): void {
    remove(this.#timers, timer);
    remove(this.#deadlines, timer);
    if (timer.at > this.#now) this.#now = timer.at;
    timer.fire();
  }
}

function earliest(timers: readonly Timer[], best: Timer | undefined): Timer | undefined {
  for (const t of timers) if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
  return best;
}

function remove(timers: Timer[], timer: Timer): void {
  const i = timers.indexOf(timer);
  if (i >= 0) timers.splice(i, 1);
}
