import { z } from "zod";
import type { Fill } from "../../domain/order.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import { AllowCache, deny, direction, reduceOnlyAllowed } from "./common.js";

export const openTradesSchema = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * Most positions open at once across the portfolio, as freqtrade's `max_open_trades`. 3 is freqtrade's example
     * configuration and what the default caps hold at full size anyway: exposure 30 % / position 10 % = 3 positions.
     * With smaller positions this is the cap that keeps a portfolio from spreading into many small bets.
     */
    max: z.number().int().min(1).max(1000).default(3),
  })
  .strict();
export type OpenTradesConfig = z.infer<typeof openTradesSchema>;

/**
 * Max open trades over the whole portfolio: an order that would open a new position (the symbol is flat, or the
 * order reverses it) is denied while `max` positions are open, counting entries of other symbols let through at the
 * same decision time whose fills have not arrived (all orders of one instant are sent before any fill). An order
 * that adds to its symbol's open position opens no new trade and passes, as in freqtrade.
 *
 * An entry awaiting its fill counts until that fill or the next later decision time, so an entry another layer
 * denied never holds a slot past the instant it was decided at.
 */
export class MaxOpenTrades implements RiskLayer {
  readonly name = "max-open-trades";
  readonly phase = "limit";
  readonly #max: number;
  /** Symbol → decision time of an entry let through whose fill has not arrived. */
  readonly #awaiting = new Map<string, number>();
  readonly #allowed: AllowCache<number>;

  constructor(config: Pick<OpenTradesConfig, "max">) {
    this.#max = config.max;
    this.#allowed = new AllowCache(this.name);
  }

  check(order: ProposedOrder, { portfolio }: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return reduceOnlyAllowed(this.name);
    this.#awaiting.delete(order.symbol);
    for (const [symbol, time] of this.#awaiting) if (time < order.time) this.#awaiting.delete(symbol);
    const held = portfolio.positionQuantity(order.symbol);
    if (held !== 0 && direction(order) * held > 0) {
      return this.#allowed.find(-1) ?? this.#allowed.add(-1, "adds to an open trade: not a new one");
    }
    // A reversal closes this symbol's trade before it opens the new one.
    const open = portfolio.openPositionCount() - (held !== 0 ? 1 : 0) + this.#awaiting.size;
    if (open >= this.#max) {
      const pending = this.#awaiting.size > 0 ? ` (incl. ${this.#awaiting.size} awaiting fill)` : "";
      return deny(this.name, `${open} trade(s) open${pending}, max ${this.#max}`);
    }
    this.#awaiting.set(order.symbol, order.time);
    return this.#allowed.find(open) ?? this.#allowed.add(open, `${open + 1} of max ${this.#max} trades with this one`);
  }

  onFill(fill: Fill): void {
    this.#awaiting.delete(fill.symbol);
  }
}

/** Factory from the parsed config section. */
export function maxOpenTrades(config: Pick<OpenTradesConfig, "max">): MaxOpenTrades {
  return new MaxOpenTrades(config);
}
