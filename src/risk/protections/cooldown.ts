import type { Fill } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { barLengthMs, formatInstant, formatSpan } from "../context/time.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { LockBook } from "./lock-book.js";
import { DEFAULT_STOP_REASONS, isStopExit, REDUCE_ONLY_NOTE } from "./stop-exit.js";

export interface CooldownOptions {
  /** Length of the cooldown in ms (default 60 minutes); ignored when `bars` is given. */
  readonly durationMs?: number;
  /** Length of the cooldown in bars of the symbol's own series. */
  readonly bars?: number;
  readonly stopReasons?: readonly string[];
  readonly store?: RiskStateStore;
}

/**
 * Cooldown after a stop-loss (freqtrade's CooldownPeriod, limited to stopped-out trades): no new position on a
 * symbol for a while after a stop-loss or liquidation closed a position on it, so a strategy does not buy straight
 * back into the move that just stopped it out. Times are bar open times as the engine labels them: a stop hit in
 * the bar opening at 05:00 with a 60-minute cooldown blocks the decision at that bar's close and allows the next.
 */
export class CooldownProtection implements RiskLayer {
  readonly name = "cooldown";
  readonly phase = "limit";
  readonly #durationMs: number;
  readonly #bars: number | undefined;
  readonly #reasons: readonly string[];
  readonly #locks: LockBook;
  /** Bar length per symbol, learnt from its checks (a position is always checked before it can be stopped). */
  readonly #barMs = new Map<string, number>();
  /** Stop exits whose bar length was not known yet: resolved at the symbol's next check. */
  readonly #pending = new Map<string, ClosedTrade>();
  /** "No cooldown" verdicts by symbol, built once each. */
  readonly #allowed = new Map<string, RiskCheckResult>();
  readonly #reducing: RiskCheckResult = Object.freeze({ layer: this.name, verdict: "allow", reason: REDUCE_ONLY_NOTE });

  constructor(options: CooldownOptions = {}) {
    this.#durationMs = options.durationMs ?? 60 * 60_000;
    this.#bars = options.bars;
    this.#reasons = options.stopReasons ?? DEFAULT_STOP_REASONS;
    this.#locks = new LockBook(this.name, options.store);
    if (!(this.#durationMs > 0)) throw new RangeError(`cooldown duration must be > 0 ms, got ${this.#durationMs}`);
    if (this.#bars !== undefined && !(Number.isInteger(this.#bars) && this.#bars > 0)) {
      throw new RangeError(`cooldown bars must be a whole number > 0, got ${this.#bars}`);
    }
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    const symbol = order.symbol;
    // Only a cooldown counted in bars needs the bar length.
    if (this.#bars !== undefined) {
      const length = barLengthMs(context.market);
      if (!Number.isNaN(length) && this.#barMs.get(symbol) !== length) this.#barMs.set(symbol, length);
    }
    if (this.#pending.size > 0) {
      const pending = this.#pending.get(symbol);
      if (pending !== undefined) {
        this.#pending.delete(symbol);
        this.#lockAfter(pending);
      }
    }
    if (order.reduceOnly) return this.#reducing;
    const lock = this.#locks.active(symbol, context.time);
    if (lock !== undefined) return { layer: this.name, verdict: "deny", reason: lock.reason };
    let allowed = this.#allowed.get(symbol);
    if (allowed === undefined) {
      allowed = Object.freeze({ layer: this.name, verdict: "allow", reason: `no cooldown running on ${symbol}` });
      this.#allowed.set(symbol, allowed);
    }
    return allowed;
  }

  onFill(_fill: Fill, trade: ClosedTrade | undefined): void {
    if (trade === undefined || !isStopExit(trade.exitReason, this.#reasons)) return;
    if (this.#bars !== undefined && !this.#barMs.has(trade.symbol)) this.#pending.set(trade.symbol, trade);
    else this.#lockAfter(trade);
  }

  #lockAfter(trade: ClosedTrade): void {
    let span: number;
    let spanText: string;
    if (this.#bars === undefined) {
      span = this.#durationMs;
      spanText = formatSpan(span);
    } else {
      const length = this.#barMs.get(trade.symbol);
      if (length === undefined) {
        throw new RangeError(
          `cooldown of ${this.#bars} bars on ${trade.symbol}: the bar length of its series is unknown (no timeframe); set cooldown.minutes instead`,
        );
      }
      span = this.#bars * length;
      spanText = `${this.#bars} bar${this.#bars === 1 ? "" : "s"} (${formatSpan(span)})`;
    }
    const until = trade.exitTime + span;
    this.#locks.lock(
      trade.symbol,
      until,
      `cooldown: ${trade.symbol} was stopped out (${trade.exitReason}, ${(trade.returnPct * 100).toFixed(2)} %) at ${formatInstant(trade.exitTime)}; no new position for ${spanText}, until ${formatInstant(until)}`,
    );
  }
}
