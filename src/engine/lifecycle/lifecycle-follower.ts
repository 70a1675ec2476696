import type { Strategy } from "../../strategy/strategy.js";
import { LiveStrategyError, type LiveStrategyRecords, loadLiveStrategy, whyLive } from "./live-strategy.js";

/** What the follower asks of a trading session (TradingSession is one). */
export interface SwappableSession {
  swapStrategy(symbol: string, strategy: Strategy, reason: string): Promise<void>;
  pause(by: string, reason: string): boolean;
  resume(by: string, reason: string): boolean;
}

/** One change of the strategy a session runs: `to` null when the lifecycle has nothing live any more. */
export interface StrategySwap {
  readonly time: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly reason: string;
  readonly symbols: readonly string[];
}

export interface LifecycleFollowerOptions {
  readonly records: LiveStrategyRecords;
  readonly session: SwappableSession;
  /** The session's symbols that trade the lifecycle's live strategy. */
  readonly symbols: readonly string[];
  /** The stored id the session runs now (null: nothing live when it started). */
  readonly running: string | null;
  readonly now: () => number;
  /** Records a swap (the audit log, the store's latch of what runs) once the session has made it. */
  readonly onSwap: (swap: StrategySwap) => Promise<void>;
  readonly alert: (message: string) => void;
}

/** Who pauses entries while the lifecycle has no live strategy. */
export const LIFECYCLE_PAUSE_BY = "lifecycle";

/**
 * Keeps a session on the lifecycle's live strategy. `check` reads the store (an automatic rollback in this
 * process, `aegis strategies approve|rollback` or the API in another one all land there) and, when the live
 * strategy changed, swaps it into every lifecycle slot at the session's next step boundary. With nothing live,
 * new entries are paused (exits keep running) until a strategy is live again. Checks run one at a time.
 */
export class LifecycleFollower {
  readonly #o: LifecycleFollowerOptions;
  #running: string | null;
  #queue: Promise<unknown> = Promise.resolve();
  /** Live strategies whose spec does not compile: said once, not retried. */
  readonly #broken = new Set<string>();

  constructor(options: LifecycleFollowerOptions) {
    this.#o = options;
    this.#running = options.running;
  }

  /** The stored id the session runs now. */
  get running(): string | null {
    return this.#running;
  }

  /** Waits for the checks in progress (a graceful stop, tests). */
  async idle(): Promise<void> {
    let last: Promise<unknown>;
    do {
      last = this.#queue;
      await last;
    } while (last !== this.#queue);
  }

  check(): Promise<StrategySwap | undefined> {
    const next = this.#queue.then(() => this.#check());
    this.#queue = next.catch(() => {});
    return next;
  }

  async #check(): Promise<StrategySwap | undefined> {
    const o = this.#o;
    let live: Awaited<ReturnType<typeof loadLiveStrategy>>;
    try {
      live = await loadLiveStrategy(o.records);
    } catch (error) {
      if (!(error instanceof LiveStrategyError)) throw error;
      if (!this.#broken.has(error.id)) {
        this.#broken.add(error.id);
        o.alert(`${error.message}; still trading ${this.#running ?? "nothing"}`);
      }
      return undefined;
    }
    const to = live?.id ?? null;
    if (to === this.#running) return undefined;
    const from = this.#running;
    const reason = live ? await whyLive(o.records, live.id) : "no strategy is live in the lifecycle";
    if (live) {
      for (const symbol of o.symbols) await o.session.swapStrategy(symbol, live.strategy, reason);
      if (from === null) o.session.resume(LIFECYCLE_PAUSE_BY, `${live.id} is live`);
    } else {
      // The slots keep the retired strategy's exits; nothing new is opened until a person approves one.
      o.session.pause(LIFECYCLE_PAUSE_BY, `${from ?? "the strategy"} left the lifecycle and nothing is live`);
    }
    this.#running = to;
    const swap: StrategySwap = { time: o.now(), from, to, reason, symbols: o.symbols };
    await o.onSwap(swap);
    return swap;
  }
}
