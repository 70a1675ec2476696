import type { Fill } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { formatInstant, formatSpan } from "../context/time.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { LockBook } from "./lock-book.js";
import { DEFAULT_STOP_REASONS, isStopExit, REDUCE_ONLY_NOTE } from "./stop-exit.js";

export interface StopLossGuardOptions {
  /** Stop-losses that trip the guard (default 3). */
  readonly stopLosses?: number;
  /** Window the stop-losses are counted in (default 24 h). */
  readonly windowMs?: number;
  /** How long new positions stay paused (default 6 h). */
  readonly lockMs?: number;
  /** "global": count every symbol's stops and pause all symbols (default); "symbol": per symbol. */
  readonly scope?: "global" | "symbol";
  readonly stopReasons?: readonly string[];
  readonly store?: RiskStateStore;
}

interface StopExit {
  readonly symbol: string;
  readonly time: number;
  readonly reason: string;
}

const ALL = "*";

/**
 * Stop-loss guard (freqtrade's StoplossGuard): after N stop-losses (or liquidations) within a window, no new
 * position for a lock duration — on every symbol, or per symbol with scope "symbol". A run of stop-losses says
 * the market no longer behaves as the strategy expects; pausing costs little, continuing can cost a lot.
 */
export class StopLossGuard implements RiskLayer {
  readonly name = "stop-loss-guard";
  readonly phase = "limit";
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #lockMs: number;
  readonly #scope: "global" | "symbol";
  readonly #reasons: readonly string[];
  readonly #locks: LockBook;
  #exits: StopExit[] = [];
  /** Allow verdicts by scope and count of recent stop-losses, built once each. */
  readonly #allowed = new Map<string, RiskCheckResult[]>();
  readonly #reducing: RiskCheckResult = Object.freeze({ layer: this.name, verdict: "allow", reason: REDUCE_ONLY_NOTE });
  readonly #windowText: string;

  constructor(options: StopLossGuardOptions = {}) {
    this.#limit = options.stopLosses ?? 3;
    this.#windowMs = options.windowMs ?? 24 * 3_600_000;
    this.#lockMs = options.lockMs ?? 6 * 3_600_000;
    this.#scope = options.scope ?? "global";
    this.#reasons = options.stopReasons ?? DEFAULT_STOP_REASONS;
    this.#locks = new LockBook(this.name, options.store);
    this.#windowText = formatSpan(this.#windowMs);
    if (!(Number.isInteger(this.#limit) && this.#limit >= 1)) {
      throw new RangeError(`stop-loss guard needs a whole number of stop-losses >= 1, got ${this.#limit}`);
    }
    if (!(this.#windowMs > 0)) throw new RangeError(`stop-loss guard window must be > 0 ms, got ${this.#windowMs}`);
    if (!(this.#lockMs > 0)) throw new RangeError(`stop-loss guard lock must be > 0 ms, got ${this.#lockMs}`);
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return this.#reducing;
    const scope = this.#scopeOf(order.symbol);
    const lock = this.#locks.active(scope, context.time);
    if (lock !== undefined) {
      return { layer: this.name, verdict: "deny", reason: `${lock.reason}; no new position on ${order.symbol}` };
    }
    const recent = this.#countRecent(scope, context.time);
    let byCount = this.#allowed.get(scope);
    if (byCount === undefined) {
      byCount = [];
      this.#allowed.set(scope, byCount);
    }
    let allowed = byCount[recent];
    if (allowed === undefined) {
      const where = this.#scope === "global" ? "across all symbols" : `on ${order.symbol}`;
      allowed = Object.freeze({
        layer: this.name,
        verdict: "allow",
        reason: `${recent} stop-loss${recent === 1 ? "" : "es"} ${where} in the last ${this.#windowText}, limit ${this.#limit}`,
      });
      byCount[recent] = allowed;
    }
    return allowed;
  }

  onFill(_fill: Fill, trade: ClosedTrade | undefined): void {
    if (trade === undefined || !isStopExit(trade.exitReason, this.#reasons)) return;
    const time = trade.exitTime;
    this.#exits = this.#exits.filter((exit) => exit.time > time - this.#windowMs);
    this.#exits.push({ symbol: trade.symbol, time, reason: trade.exitReason });
    const scope = this.#scopeOf(trade.symbol);
    const recent = this.#recent(scope, time);
    if (recent.length < this.#limit) return;
    const until = time + this.#lockMs;
    const list = recent.map((exit) => `${exit.symbol} ${formatInstant(exit.time)}`).join(", ");
    const where = this.#scope === "global" ? "across all symbols" : `on ${trade.symbol}`;
    this.#locks.lock(
      scope,
      until,
      `stop-loss guard: ${recent.length} stop-losses ${where} within ${formatSpan(this.#windowMs)} (limit ${this.#limit}: ${list}) → paused for ${formatSpan(this.#lockMs)}, until ${formatInstant(until)}`,
    );
  }

  #scopeOf(symbol: string): string {
    return this.#scope === "global" ? ALL : symbol;
  }

  /** How many stop exits `#recent` would list, without listing them. */
  #countRecent(scope: string, time: number): number {
    let count = 0;
    const exits = this.#exits;
    for (let i = 0; i < exits.length; i++) {
      const exit = exits[i] as StopExit;
      if (exit.time > time - this.#windowMs && exit.time <= time && (scope === ALL || exit.symbol === scope)) count++;
    }
    return count;
  }

  /** Stop exits in (time − window, time] within `scope`. */
  #recent(scope: string, time: number): StopExit[] {
    return this.#exits.filter(
      (exit) => exit.time > time - this.#windowMs && exit.time <= time && (scope === ALL || exit.symbol === scope),
    );
  }
}
