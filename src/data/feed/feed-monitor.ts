import type { Candle } from "../../domain/candles.js";

/** Why a symbol's feed cannot be trusted right now. */
export type FeedProblem = "stale" | "spike" | "gap" | "crossed-book" | "non-finite" | "non-finite-book";

export interface FeedMonitorOptions {
  /** Bar length in ms. */
  readonly barMs: number;
  /** A feed with no closed bar for this many bar lengths past the expected close is stale (default 3). */
  readonly staleAfterBars?: number;
  /**
   * Never stale sooner than this many ms of the clock past the expected close (default 0). A clock running at an
   * accelerated speed turns a few bars into a fraction of a wall second, less than a busy machine's scheduling
   * jitter; the floor keeps that jitter from reading as a dead feed.
   */
  readonly minStaleMs?: number;
  /** A close this far from the previous close (as a fraction, 0.25 = 25 %) is a spike (default 0.25). */
  readonly spikeFraction?: number;
  /** Closed bars, after a problem cleared, before new entries are allowed again (default 1). */
  readonly recoveryBars?: number;
}

interface SymbolState {
  lastTime: number;
  lastClose: number;
  lastUpdate: number;
  /** Problem → when it started. */
  readonly problems: Map<FeedProblem, { since: number; detail: string }>;
  /** Clean bars still needed before a spike or gap flag clears. */
  cleanBarsNeeded: number;
}

export interface FeedHealthView {
  /** Why new entries on `symbol` are blocked, or undefined when its feed is healthy. */
  blockedReason(symbol: string): string | undefined;
}

export type FeedEvent = { symbol: string; problem: FeedProblem; detail: string; time: number; cleared: boolean };

/**
 * Watches each symbol's feed as bars and books arrive (AI Trading Lab's data-integrity validator): a stale feed,
 * a price spike, a gap of missing bars, a crossed order book or a non-finite value flags the symbol. While
 * flagged, the feed-health risk layer blocks new entries on it (exits stay allowed) and the reason goes into the
 * decision record; each problem raises one event when it starts and one when it clears.
 */
export class FeedMonitor implements FeedHealthView {
  readonly #options: Required<FeedMonitorOptions>;
  readonly #symbols = new Map<string, SymbolState>();
  readonly #onEvent: (event: FeedEvent) => void;
  /** Whether a bar of a symbol opening at a time is expected at all (market hours); every bar by default. */
  #expected: (symbol: string, barTime: number) => boolean = () => true;

  constructor(symbols: readonly string[], options: FeedMonitorOptions, onEvent: (event: FeedEvent) => void = () => {}) {
    if (!(options.barMs > 0)) throw new RangeError(`bar length must be > 0 ms, got ${options.barMs}`);
    this.#options = { staleAfterBars: 3, minStaleMs: 0, spikeFraction: 0.25, recoveryBars: 1, ...options };
    this.#onEvent = onEvent;
    for (const symbol of symbols) {
      this.#symbols.set(symbol, {
        lastTime: Number.NaN,
        lastClose: Number.NaN,
        lastUpdate: Number.NaN,
        problems: new Map(),
        cleanBarsNeeded: 0,
      });
    }
  }

  /**
   * Teaches the monitor market hours: a bar that falls outside its market's sessions is not missing (no gap over a
   * night or a weekend) and a feed is not stale while its market is closed.
   */
  expectBars(expected: (symbol: string, barTime: number) => boolean): void {
    this.#expected = expected;
  }

  blockedReason(symbol: string): string | undefined {
    const state = this.#symbols.get(symbol);
    if (!state) return `no feed for ${symbol}`;
    if (state.problems.size === 0) return undefined;
    return [...state.problems].map(([problem, p]) => `${problem}: ${p.detail}`).join("; ");
  }

  /** Problems of every symbol, for status and readiness checks. */
  health(): Record<string, { healthy: boolean; problems: string[]; lastBar: number | null }> {
    const out: Record<string, { healthy: boolean; problems: string[]; lastBar: number | null }> = {};
    for (const [symbol, state] of this.#symbols) {
      out[symbol] = {
        healthy: state.problems.size === 0,
        problems: [...state.problems].map(([problem, p]) => `${problem}: ${p.detail}`),
        lastBar: Number.isNaN(state.lastTime) ? null : state.lastTime,
      };
    }
    return out;
  }

  /**
   * A closed bar arrived at wall time `now`. Returns false when the bar itself must not reach a strategy
   * (non-finite values); a spike or gap still lets the bar through (it is the market) but blocks new entries.
   */
  onClosedBar(symbol: string, bar: Candle, now: number): boolean {
    const state = this.#state(symbol);
    state.lastUpdate = now;
    this.#clear(symbol, state, "stale", now);
    const values = [bar.open, bar.high, bar.low, bar.close, bar.volume, bar.time];
    if (!values.every(Number.isFinite) || !(bar.low > 0)) {
      this.#flag(
        symbol,
        state,
        "non-finite",
        `bar at ${new Date(bar.time).toISOString()} has a non-finite or non-positive value`,
        now,
      );
      return false;
    }
    this.#clear(symbol, state, "non-finite", now);
    const barMs = this.#options.barMs;
    let problem = false;
    if (!Number.isNaN(state.lastTime)) {
      let missing = 0;
      for (let t = state.lastTime + barMs; t < bar.time - barMs / 2; t += barMs)
        if (this.#expected(symbol, t)) missing++;
      if (missing > 0) {
        this.#flag(symbol, state, "gap", `${missing} bar(s) missing before ${new Date(bar.time).toISOString()}`, now);
        problem = true;
      }
      const move = Math.abs(bar.close / state.lastClose - 1);
      if (move > this.#options.spikeFraction) {
        this.#flag(symbol, state, "spike", `close moved ${(move * 100).toFixed(1)} % in one bar`, now);
        problem = true;
      }
    }
    state.lastTime = bar.time;
    state.lastClose = bar.close;
    if (problem) state.cleanBarsNeeded = this.#options.recoveryBars;
    else if (state.cleanBarsNeeded > 0) state.cleanBarsNeeded--;
    else {
      this.#clear(symbol, state, "gap", now);
      this.#clear(symbol, state, "spike", now);
    }
    return true;
  }

  /**
   * The best bid and ask seen at `now`; a crossed (or locked) book blocks entries until it uncrosses, and so does a
   * book with a level that is not a finite positive price (the feed passes NaN for it) until a sound book comes.
   */
  onBook(symbol: string, bestBid: number, bestAsk: number, now: number): void {
    const state = this.#state(symbol);
    state.lastUpdate = now;
    const sound = (price: number) => Number.isFinite(price) && price > 0;
    if (!sound(bestBid) || !sound(bestAsk)) {
      this.#flag(
        symbol,
        state,
        "non-finite-book",
        `order book level not a finite positive price (bid ${bestBid}, ask ${bestAsk})`,
        now,
      );
      return;
    }
    this.#clear(symbol, state, "non-finite-book", now);
    if (bestBid >= bestAsk) this.#flag(symbol, state, "crossed-book", `bid ${bestBid} ≥ ask ${bestAsk}`, now);
    else this.#clear(symbol, state, "crossed-book", now);
  }

  /**
   * Called by a timer: flags every symbol whose last closed bar is older than the stale limit. With `due`, the time
   * the timer was set for: a check that fires more than a bar late means this process itself was not running (a
   * loaded machine, a long GC pause), and the bars that arrived meanwhile still wait behind this timer in the event
   * loop; judging then would blame the feed for our own stall, so the check passes and the next one judges.
   * Returns whether it judged.
   */
  checkStale(now: number, due = now): boolean {
    if (now - due > this.#options.barMs) return false;
    const limit = Math.max(this.#options.staleAfterBars * this.#options.barMs, this.#options.minStaleMs);
    for (const [symbol, state] of this.#symbols) {
      const expected = Number.isNaN(state.lastTime) ? Number.NaN : this.#nextExpectedClose(symbol, state.lastTime);
      // A bar is expected to close one bar length after its open; stale once `limit` has passed beyond that.
      if (!Number.isNaN(expected) && now - expected > limit) {
        this.#flag(symbol, state, "stale", `no closed bar since ${new Date(state.lastTime).toISOString()}`, now);
      }
    }
    return true;
  }

  /** The close of the first expected bar after the one opening at `lastTime` (at most a year of bars ahead). */
  #nextExpectedClose(symbol: string, lastTime: number): number {
    const barMs = this.#options.barMs;
    let t = lastTime + barMs;
    for (let n = 0; n < (366 * 86_400_000) / barMs && !this.#expected(symbol, t); n++) t += barMs;
    return t + barMs;
  }

  #state(symbol: string): SymbolState {
    const state = this.#symbols.get(symbol);
    if (!state) throw new RangeError(`feed monitor: unknown symbol ${symbol}`);
    return state;
  }

  #flag(symbol: string, state: SymbolState, problem: FeedProblem, detail: string, now: number): void {
    const had = state.problems.has(problem);
    state.problems.set(problem, { since: had ? (state.problems.get(problem)?.since ?? now) : now, detail });
    if (!had) this.#onEvent({ symbol, problem, detail, time: now, cleared: false });
  }

  #clear(symbol: string, state: SymbolState, problem: FeedProblem, now: number): void {
    const p = state.problems.get(problem);
    if (!p) return;
    state.problems.delete(problem);
    this.#onEvent({ symbol, problem, detail: p.detail, time: now, cleared: true });
  }
}
