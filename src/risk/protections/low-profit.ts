import type { Fill } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { formatInstant, formatSpan } from "../context/time.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { LockBook } from "./lock-book.js";
import { REDUCE_ONLY_NOTE } from "./stop-exit.js";

export interface LowProfitOptions {
  /** Window of closed trades looked at (default 7 days). */
  readonly windowMs?: number;
  /** Fewer closed trades than this in the window say nothing (default 3). */
  readonly minTrades?: number;
  /** Lock when the summed profit ratio is below this (default -0.05 = -5 %). */
  readonly minProfit?: number;
  /** How long the symbol stays locked (default 12 h). */
  readonly lockMs?: number;
  readonly store?: RiskStateStore;
}

interface Closed {
  readonly symbol: string;
  readonly time: number;
  readonly returnPct: number;
}

/**
 * Low-profit lock (freqtrade's LowProfitPairs): a symbol whose trades closed within the window sum to a profit
 * ratio below the threshold — with at least `minTrades` of them — gets no new position for the lock duration. The
 * profit ratio of a trade is its `returnPct` (net PnL over the margin committed), summed as freqtrade sums
 * close_profit. Evaluated whenever a trade on the symbol closes, whatever its exit reason.
 */
export class LowProfitLock implements RiskLayer {
  readonly name = "low-profit";
  readonly phase = "limit";
  readonly #windowMs: number;
  readonly #minTrades: number;
  readonly #minProfit: number;
  readonly #lockMs: number;
  readonly #locks: LockBook;
  #closed: Closed[] = [];

  constructor(options: LowProfitOptions = {}) {
    this.#windowMs = options.windowMs ?? 7 * 86_400_000;
    this.#minTrades = options.minTrades ?? 3;
    this.#minProfit = options.minProfit ?? -0.05;
    this.#lockMs = options.lockMs ?? 12 * 3_600_000;
    this.#locks = new LockBook(this.name, options.store);
    if (!(this.#windowMs > 0)) throw new RangeError(`low-profit window must be > 0 ms, got ${this.#windowMs}`);
    if (!(Number.isInteger(this.#minTrades) && this.#minTrades >= 1)) {
      throw new RangeError(`low-profit minTrades must be a whole number >= 1, got ${this.#minTrades}`);
    }
    if (!Number.isFinite(this.#minProfit))
      throw new RangeError(`low-profit threshold must be finite, got ${this.#minProfit}`);
    if (!(this.#lockMs > 0)) throw new RangeError(`low-profit lock must be > 0 ms, got ${this.#lockMs}`);
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return { layer: this.name, verdict: "allow", reason: REDUCE_ONLY_NOTE };
    const lock = this.#locks.active(order.symbol, context.time);
    if (lock !== undefined) return { layer: this.name, verdict: "deny", reason: lock.reason };
    const { count, sum } = this.#tally(order.symbol, context.time);
    return {
      layer: this.name,
      verdict: "allow",
      reason: `${order.symbol}: ${count} trade${count === 1 ? "" : "s"} closed in the last ${formatSpan(this.#windowMs)} sum to ${pct(sum)} (lock below ${pct(this.#minProfit)} with ≥ ${this.#minTrades} trades)`,
    };
  }

  onFill(_fill: Fill, trade: ClosedTrade | undefined): void {
    if (trade === undefined) return;
    const time = trade.exitTime;
    this.#closed = this.#closed.filter((closed) => closed.time > time - this.#windowMs);
    this.#closed.push({ symbol: trade.symbol, time, returnPct: trade.returnPct });
    const { count, sum } = this.#tally(trade.symbol, time);
    if (count < this.#minTrades || !(sum < this.#minProfit)) return;
    const until = time + this.#lockMs;
    this.#locks.lock(
      trade.symbol,
      until,
      `low-profit lock: ${trade.symbol}'s ${count} trades closed within ${formatSpan(this.#windowMs)} sum to ${pct(sum)}, below ${pct(this.#minProfit)} → locked for ${formatSpan(this.#lockMs)}, until ${formatInstant(until)}`,
    );
  }

  /** Trades of `symbol` closed in (time − window, time] and their summed profit ratio. */
  #tally(symbol: string, time: number): { count: number; sum: number } {
    let count = 0;
    let sum = 0;
    for (const closed of this.#closed) {
      if (closed.symbol !== symbol || closed.time <= time - this.#windowMs || closed.time > time) continue;
      count++;
      sum += closed.returnPct;
    }
    return { count, sum };
  }
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}
