import { TIMEFRAMES } from "../../domain/timeframe.js";
import type { SourceSignal, SyncSignalSource } from "../../strategy/signal-source.js";
import { MARKET_FEATURES } from "../features/feature-names.js";
import { featuresAt } from "./feature-snapshot.js";

/** One past situation: the features at the decision that opened a trade, and how the trade ended. */
export interface Pattern {
  readonly vector: Float64Array;
  readonly win: boolean;
  /** When the trade closed (Unix ms): the pattern exists for a query only from then on. */
  readonly closedAt: number;
}

export interface PatternMemoryOptions {
  /** Neighbours asked (default 10). */
  readonly k?: number;
  /** Below this many visible patterns the memory does not judge (default 5). */
  readonly minNeighbours?: number;
  /** Veto an entry when the neighbours' win rate is below this (default 0.3). */
  readonly vetoBelow?: number;
  /** Scale an entry down (win rate / scaleBelow) when the win rate is below this (default 0.5). */
  readonly scaleBelow?: number;
  /** Patterns kept, oldest dropped first (default 5,000). */
  readonly capacity?: number;
}

export interface Judgement {
  /** Neighbours found (≤ k), all closed at or before the query time. */
  readonly neighbours: number;
  /** Their win rate; NaN without neighbours. */
  readonly winRate: number;
  readonly signal: SourceSignal;
}

/**
 * Pattern memory (AI Trading Lab's learning engine, Algo Trading Lab's pattern store): the k nearest past entries
 * to the current market state and how they ended, as an advisor vote. Distance is Euclidean over the candle
 * features both vectors have, each feature divided by its standard deviation over the patterns visible at the
 * query (unscaled while that is zero or unknown), and averaged over those features (so a missing feature neither helps nor hurts). A query at time t sees
 * only patterns of trades closed at or before t: no look-ahead, also when patterns are loaded ahead of a replay.
 * Patterns are matched whatever the side of their trade; a slot that trades both sides shares one memory.
 */
export class PatternMemory {
  readonly #patterns: Pattern[] = [];
  readonly #o: Required<PatternMemoryOptions>;

  constructor(options: PatternMemoryOptions = {}) {
    this.#o = {
      k: options.k ?? 10,
      minNeighbours: options.minNeighbours ?? 5,
      vetoBelow: options.vetoBelow ?? 0.3,
      scaleBelow: options.scaleBelow ?? 0.5,
      capacity: options.capacity ?? 5000,
    };
    const o = this.#o;
    if (!(Number.isInteger(o.k) && o.k >= 1))
      throw new RangeError(`pattern memory: k must be an integer >= 1, got ${o.k}`);
    if (!(Number.isInteger(o.minNeighbours) && o.minNeighbours >= 1 && o.minNeighbours <= o.k))
      throw new RangeError(`pattern memory: minNeighbours must be an integer in [1, k ${o.k}], got ${o.minNeighbours}`);
    if (!(o.vetoBelow >= 0 && o.vetoBelow <= o.scaleBelow && o.scaleBelow <= 1))
      throw new RangeError(
        `pattern memory: need 0 <= vetoBelow <= scaleBelow <= 1, got ${o.vetoBelow} and ${o.scaleBelow}`,
      );
    if (!(Number.isInteger(o.capacity) && o.capacity >= o.k))
      throw new RangeError(`pattern memory: capacity must be an integer >= k, got ${o.capacity}`);
  }

  get size(): number {
    return this.#patterns.length;
  }

  add(pattern: Pattern): void {
    if (pattern.vector.length !== MARKET_FEATURES.length)
      throw new RangeError(
        `pattern memory: a pattern has ${pattern.vector.length} features, expected ${MARKET_FEATURES.length}`,
      );
    if (!Number.isFinite(pattern.closedAt)) throw new RangeError("pattern memory: a pattern needs its closing time");
    this.#patterns.push(pattern);
    if (this.#patterns.length > this.#o.capacity) this.#patterns.shift();
  }

  /** Patterns a query at `now` may see (their trade closed at or before `now`). */
  visible(now: number): number {
    let n = 0;
    for (const p of this.#patterns) if (p.closedAt <= now) n++;
    return n;
  }

  /** The k nearest patterns closed at or before `now`, nearest first. */
  neighbours(vector: Float64Array, now: number): { pattern: Pattern; distance: number }[] {
    const visible = this.#patterns.filter((p) => p.closedAt <= now);
    const scale = spread(visible);
    const found: { pattern: Pattern; distance: number }[] = [];
    for (const pattern of visible) {
      let sum = 0;
      let used = 0;
      for (let c = 0; c < vector.length; c++) {
        const d = ((vector[c] as number) - (pattern.vector[c] as number)) / (scale[c] as number);
        if (Number.isFinite(d)) {
          sum += d * d;
          used++;
        }
      }
      if (used > 0) found.push({ pattern, distance: Math.sqrt(sum / used) });
    }
    found.sort((a, b) => a.distance - b.distance || a.pattern.closedAt - b.pattern.closedAt);
    return found.slice(0, this.#o.k);
  }

  /** The advisor's verdict on the market state `vector` at `now`. */
  judge(vector: Float64Array, now: number): Judgement {
    const near = this.neighbours(vector, now);
    const o = this.#o;
    if (near.length < o.minNeighbours) {
      return {
        neighbours: near.length,
        winRate: near.length === 0 ? Number.NaN : wins(near) / near.length,
        signal: tooFew(near.length, o.minNeighbours),
      };
    }
    const won = wins(near);
    const rate = won / near.length;
    const words = `${won}/${near.length} similar past trades won (${(rate * 100).toFixed(0)} %)`;
    const signal: SourceSignal =
      rate < o.vetoBelow
        ? { action: "hold", veto: true, reason: `Pattern memory: ${words}, below ${o.vetoBelow}: veto` }
        : rate < o.scaleBelow
          ? { action: "hold", scale: rate / o.scaleBelow, reason: `Pattern memory: ${words}: size scaled down` }
          : { action: "hold", scale: 1, reason: `Pattern memory: ${words}` };
    return { neighbours: near.length, winRate: rate, signal };
  }

  /**
   * The memory as an advisor of one slot (id "pattern-memory"): at each bar it computes the candle features of
   * that bar and votes what similar past entries say. It may veto or scale an entry down, never open one.
   */
  advisor(): SyncSignalSource {
    return {
      id: "pattern-memory",
      role: "advisor",
      init: (setup) => {
        const barMs = setup.timeframe ? TIMEFRAMES[setup.timeframe] : 3_600_000;
        const high = setup.price("high");
        const low = setup.price("low");
        const close = setup.price("close");
        const volume = setup.price("volume");
        return (context) => {
          // Features from a fixed window of past bars: the same at a bar whether the session ran through or
          // restarted before it, and the same in a backtest. Not computed while there is too little to compare.
          const visible = this.visible(context.time);
          if (visible < this.#o.minNeighbours) return tooFew(visible, this.#o.minNeighbours);
          const vector = featuresAt((ago) => {
            const c = close.at(ago);
            if (Number.isNaN(c)) return undefined;
            return {
              time: context.time - ago * barMs,
              high: high.at(ago),
              low: low.at(ago),
              close: c,
              volume: volume.at(ago),
            };
          }, barMs);
          return this.judge(vector, context.time).signal;
        };
      },
    };
  }
}

function tooFew(count: number, needed: number): SourceSignal {
  return {
    action: "hold",
    scale: 1,
    reason: `Pattern memory: ${count} past trade(s) to compare, fewer than ${needed}`,
  };
}

function wins(near: readonly { pattern: Pattern }[]): number {
  let n = 0;
  for (const { pattern } of near) if (pattern.win) n++;
  return n;
}

/** Per feature, the standard deviation over `patterns` (1, no scaling, while it is zero or unknown). */
function spread(patterns: readonly Pattern[]): Float64Array {
  const d = MARKET_FEATURES.length;
  const out = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (const p of patterns) {
      const x = p.vector[c] as number;
      if (!Number.isFinite(x)) continue;
      n++;
      const delta = x - mean;
      mean += delta / n;
      m2 += delta * (x - mean);
    }
    const sd = n >= 2 ? Math.sqrt(m2 / (n - 1)) : 0;
    out[c] = sd > 0 ? sd : 1;
  }
  return out;
}
