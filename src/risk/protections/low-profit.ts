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
  readonly #closed: Closed[] = [];
  /** The last allow verdict per symbol: rebuilt only when the trades it sums changed. */
  readonly #allowed = new Map<string, { count: number; sum: number; result: RiskCheckResult }>();
  readonly #reducing: RiskCheckResult = Object.freeze({ layer: this.name, verdict: "allow", reason: REDUCE_ONLY_NOTE });
  /** The fixed parts of the allow reason. */
  readonly #window: string;
  readonly #rule: string;
  /** Window, threshold and lock length as a lock reason writes them. */
  readonly #lockTerms: readonly [string, string, string];

  constructor(options: LowProfitOptions = {}) {
    this.#windowMs = options.windowMs ?? 7 * 86_400_000;
    this.#minTrades = options.minTrades ?? 3;
    this.#minProfit = options.minProfit ?? -0.05;
    this.#lockMs = options.lockMs ?? 12 * 3_600_000;
    this.#locks = new LockBook(this.name, options.store);
    this.#window = `closed in the last ${formatSpan(this.#windowMs)} sum to `;
    this.#lockTerms = [formatSpan(this.#windowMs), pct(this.#minProfit), formatSpan(this.#lockMs)];
    this.#rule = ` (lock below ${pct(this.#minProfit)} with ≥ ${this.#minTrades} trades)`;
    if (!(this.#windowMs > 0)) throw new RangeError(`low-profit window must be > 0 ms, got ${this.#windowMs}`);
    if (!(Number.isInteger(this.#minTrades) && this.#minTrades >= 1)) {
      throw new RangeError(`low-profit minTrades must be a whole number >= 1, got ${this.#minTrades}`);
    }
    if (!Number.isFinite(this.#minProfit))
      throw new RangeError(`low-profit threshold must be finite, got ${this.#minProfit}`);
    if (!(this.#lockMs > 0)) throw new RangeError(`low-profit lock must be > 0 ms, got ${this.#lockMs}`);
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return this.#reducing;
    const symbol = order.symbol;
    const lock = this.#locks.active(symbol, context.time);
    if (lock !== undefined) return { layer: this.name, verdict: "deny", reason: lock.reason };
    const { count, sum } = this.#tally(symbol, context.time);
    const last = this.#allowed.get(symbol);
    if (last !== undefined && last.count === count && last.sum === sum) return last.result;
    const result: RiskCheckResult = Object.freeze({
      layer: this.name,
      verdict: "allow",
      reason: `${symbol}: ${count} trade${count === 1 ? "" : "s"} ${this.#window}${pct(sum)}${this.#rule}`,
    });
    this.#allowed.set(symbol, { count, sum, result });
    return result;
  }

  onFill(_fill: Fill, trade: ClosedTrade | undefined): void {
    if (trade === undefined) return;
    const time = trade.exitTime;
    // Keeps the trades still in the window, in place: a trade closes on most decisions.
    const closed = this.#closed;
    let kept = 0;
    for (let i = 0; i < closed.length; i++) {
      const c = closed[i] as Closed;
      if (c.time > time - this.#windowMs) closed[kept++] = c;
    }
    closed.length = kept;
    closed.push({ symbol: trade.symbol, time, returnPct: trade.returnPct });
    const { count, sum } = this.#tally(trade.symbol, time);
    if (count < this.#minTrades || !(sum < this.#minProfit)) return;
    const until = time + this.#lockMs;
    const [window, threshold, lockSpan] = this.#lockTerms;
    this.#locks.lock(
      trade.symbol,
      until,
      `low-profit lock: ${trade.symbol}'s ${count} trades closed within ${window} sum to ${pct(sum)}, below ${threshold} → locked for ${lockSpan}, until ${formatInstant(until)}`,
    );
  }

  /** Trades of `symbol` closed in (time − window, time] and their summed profit ratio. */
  #tally(symbol: string, time: number): { count: number; sum: number } {
    let count = 0;
    let sum = 0;
    const all = this.#closed;
    for (let i = 0; i < all.length; i++) {
      const closed = all[i] as Closed;
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
