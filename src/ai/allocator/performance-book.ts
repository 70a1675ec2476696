import type { ClosedTrade } from "../../domain/trade.js";
import type { StrategyReturns } from "./meta-allocator.js";

const DAY = 86_400_000;

/**
 * Daily P&L per strategy from closed trades (register it as an engine learner: every closed trade of backtest,
 * paper or live lands here), turned into daily returns on the capital each strategy had. A trade's P&L counts on
 * the UTC day it closed; an ensemble trade ("a+b") is split equally between its sources.
 */
export class PerformanceBook {
  readonly #pnl = new Map<string, Map<number, number>>();

  onTradeClosed(trade: ClosedTrade): void {
    const ids = (trade.source ?? "unattributed").split("+");
    const day = Math.floor(trade.exitTime / DAY);
    for (const id of ids) {
      let days = this.#pnl.get(id);
      if (!days) {
        days = new Map();
        this.#pnl.set(id, days);
      }
      days.set(day, (days.get(day) ?? 0) + trade.netPnl / ids.length);
    }
  }

  /** Per strategy, [UTC day number, P&L] pairs: what a restart needs to continue the book. */
  save(): Record<string, [number, number][]> {
    return Object.fromEntries([...this.#pnl].map(([id, days]) => [id, [...days]]));
  }

  restore(saved: Readonly<Record<string, readonly (readonly [number, number])[]>>): void {
    this.#pnl.clear();
    for (const [id, days] of Object.entries(saved)) this.#pnl.set(id, new Map(days.map(([d, p]) => [d, p])));
  }

  strategies(): string[] {
    return [...this.#pnl.keys()];
  }

  /**
   * Daily returns of each strategy over the UTC days from `from` to `to` (Unix ms, both included), days without a
   * closed trade counting 0, on the capital `capitalOf(id)` each had.
   */
  dailyReturns(from: number, to: number, capitalOf: (id: string) => number): StrategyReturns[] {
    const first = Math.floor(from / DAY);
    const last = Math.floor(to / DAY);
    if (!(last >= first)) throw new RangeError(`performance book: empty day range ${from} → ${to}`);
    return this.strategies().map((id) => {
      const capital = capitalOf(id);
      if (!(capital > 0)) throw new RangeError(`performance book: capital of ${id} must be > 0, got ${capital}`);
      const days = this.#pnl.get(id) as Map<number, number>;
      const returns = Array.from({ length: last - first + 1 }, (_, k) => (days.get(first + k) ?? 0) / capital);
      return { id, returns };
    });
  }
}
