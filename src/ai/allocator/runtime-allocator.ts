import type { ClosedTrade } from "../../domain/trade.js";
import type { SyncSignalSource } from "../../strategy/signal-source.js";
import { type AllocatorOptions, allocate, checkRebalance } from "./meta-allocator.js";
import { PerformanceBook } from "./performance-book.js";

const DAY = 86_400_000;

export interface RuntimeAllocatorOptions extends AllocatorOptions {
  /** Days of closed-trade P&L the weights are computed from (default 30). */
  readonly lookbackDays?: number;
  /** Move to new weights only when one drifted more than this from its target (default 0.05). */
  readonly rebalanceThreshold?: number;
  /** Days with a closed trade that some strategy needs before the weights leave equal shares (default 3). */
  readonly minActiveDays?: number;
}

/** One strategy on one symbol: the allocator's unit ("BTC/USDT sma-cross"). */
export interface AllocatorMember {
  readonly symbol: string;
  readonly strategy: string;
}

export interface AllocatorStatus {
  /** When the weights were last computed (Unix ms), null before the first day boundary. */
  readonly time: number | null;
  readonly lines: readonly { readonly id: string; readonly capital: number; readonly scale: number }[];
  readonly reason: string;
}

export interface RuntimeAllocatorState {
  readonly book: Record<string, [number, number][]>;
  readonly capital: Readonly<Record<string, number>>;
  readonly lastDay: number | null;
  readonly time: number | null;
  readonly reason: string;
}

/**
 * The meta-allocator in the trading runtime. Each slot (a strategy on a symbol) is one strategy of the fund; its
 * closed trades go to a performance book, and once a UTC day has passed the allocator recomputes the capital
 * shares from the last `lookbackDays` complete days (meta-allocator.ts: risk parity tilted by a shrunk Sharpe,
 * 5–40 % per strategy, 2 % daily risk budget) and moves to them when one drifted past the rebalance threshold.
 *
 * A slot trades an equal share of equity by default, so its share becomes a size factor `capital × N` (N slots):
 * the allocator votes it as an advisor. An advisor may only scale down, so a factor above 1 trades at 1 and the
 * difference stays in cash; a single slot trades at most 40 % (the per-strategy maximum).
 */
export class RuntimeAllocator {
  readonly id = "allocator";
  readonly #members: readonly string[];
  readonly #bySymbol = new Map<string, string>();
  readonly #equity: () => number;
  readonly #o: RuntimeAllocatorOptions;
  readonly #book = new PerformanceBook();
  #capital: Record<string, number>;
  #lastDay: number | undefined;
  #time: number | undefined;
  #reason = "equal shares until the strategies have a performance record";

  constructor(members: readonly AllocatorMember[], equity: () => number, options: RuntimeAllocatorOptions = {}) {
    if (members.length === 0) throw new RangeError("allocator: no strategy to allocate to");
    this.#members = members.map((m) => `${m.symbol} ${m.strategy}`);
    for (const [k, m] of members.entries()) this.#bySymbol.set(m.symbol, this.#members[k] as string);
    this.#equity = equity;
    this.#o = options;
    const lookback = options.lookbackDays ?? 30;
    if (!(Number.isInteger(lookback) && lookback >= 2))
      throw new RangeError(`allocator: lookbackDays must be an integer >= 2, got ${lookback}`);
    // Checks the bounds at once rather than on the first day boundary.
    allocate(
      this.#members.map((id) => ({ id, returns: [] })),
      options,
    );
    this.#capital = Object.fromEntries(this.#members.map((id) => [id, 1 / this.#members.length]));
  }

  onTradeClosed(trade: ClosedTrade): void {
    const id = this.#bySymbol.get(trade.symbol);
    if (id !== undefined) this.#book.onTradeClosed({ ...trade, source: id });
  }

  /** Recomputes the weights once per UTC day, from complete days only (yesterday and before). */
  update(now: number): void {
    const day = Math.floor(now / DAY);
    if (day === this.#lastDay) return;
    this.#lastDay = day;
    const lookback = this.#o.lookbackDays ?? 30;
    const equity = this.#equity();
    const known = new Map(
      this.#book
        .dailyReturns((day - lookback) * DAY, (day - 1) * DAY, (id) =>
          Math.max(equity * (this.#capital[id] ?? 0), 1e-9),
        )
        .map((r) => [r.id, r.returns]),
    );
    const returns = this.#members.map((id) => ({ id, returns: known.get(id) ?? new Array(lookback).fill(0) }));
    const active = Math.max(...returns.map((r) => r.returns.filter((x) => x !== 0).length));
    const needed = this.#o.minActiveDays ?? 3;
    if (active < needed) {
      this.#reason = `equal shares: no strategy has closed trades on ${needed} of the last ${lookback} days yet`;
      return;
    }
    const allocation = allocate(returns, this.#o);
    const target = Object.fromEntries(allocation.lines.map((l) => [l.id, l.capital]));
    const check = checkRebalance(this.#capital, target, this.#o.rebalanceThreshold ?? 0.05);
    this.#time = now;
    if (check.rebalance || this.#reason.startsWith("equal shares")) {
      this.#capital = target;
      this.#reason = `rebalanced: ${check.reason}; ${(allocation.deployed * 100).toFixed(1)} % deployed`;
    } else this.#reason = `kept: ${check.reason}`;
  }

  /** The size factor of the slot of `symbol`: its capital share over the equal share, at most 1. */
  scaleOf(symbol: string): number {
    const id = this.#bySymbol.get(symbol);
    return id === undefined ? 1 : Math.min(1, (this.#capital[id] ?? 0) * this.#members.length);
  }

  advisor(symbol: string): SyncSignalSource {
    return {
      id: "allocator",
      role: "advisor",
      init: () => (context) => {
        this.update(context.time);
        const scale = this.scaleOf(symbol);
        const id = this.#bySymbol.get(symbol) ?? symbol;
        return {
          action: "hold",
          scale,
          reason: `Allocator: ${id} ${((this.#capital[id] ?? 0) * 100).toFixed(1)} % of capital (size ×${scale.toFixed(2)})`,
        };
      },
    };
  }

  status(): AllocatorStatus {
    return {
      time: this.#time ?? null,
      lines: this.#members.map((id) => ({
        id,
        capital: this.#capital[id] ?? 0,
        scale: this.scaleOf(id.slice(0, id.indexOf(" "))),
      })),
      reason: this.#reason,
    };
  }

  save(): RuntimeAllocatorState {
    return {
      book: this.#book.save(),
      capital: { ...this.#capital },
      lastDay: this.#lastDay ?? null,
      time: this.#time ?? null,
      reason: this.#reason,
    };
  }

  restore(state: RuntimeAllocatorState): void {
    this.#book.restore(state.book);
    // Strategies that joined since the save start from the equal share.
    this.#capital = Object.fromEntries(this.#members.map((id) => [id, state.capital[id] ?? 1 / this.#members.length]));
    this.#lastDay = state.lastDay ?? undefined;
    this.#time = state.time ?? undefined;
    this.#reason = state.reason;
  }
}
