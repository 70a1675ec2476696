import { z } from "zod";
import type { Fill } from "../../domain/order.js";
import { money } from "../shared/format.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import { AwaitingFills, constantAllow, cutToCap, deny, direction, fitsUnderCap, reduceOnlyAllowed } from "./common.js";

export const marginRatioSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Largest used margin / equity after the order (0.8 = 80 % of equity locked as margin). */
    max: z.number().positive().max(1).default(0.8),
  })
  .strict();
export type MarginRatioConfig = z.infer<typeof marginRatioSchema>;

/**
 * Margin-ratio limit: used margin / equity after the order may be at most `max`; a larger order is scaled down to
 * fit, denied when nothing fits. Used margin is Σ |quantity| × entry / leverage over open positions; the new part
 * of the order needs quantity × price / order leverage. Orders of other symbols this layer let through whose fills
 * have not arrived yet count as used margin too (several symbols decide at the same instant).
 */
export class MaxMarginRatio implements RiskLayer {
  readonly name = "max-margin-ratio";
  readonly phase = "limit";
  readonly #max: number;
  readonly #awaiting = new AwaitingFills();
  /** An order that fits says so without its numbers; a cut or a denial shows them. */
  readonly #fits: RiskCheckResult;

  constructor(config: Pick<MarginRatioConfig, "max">) {
    this.#max = config.max;
    this.#fits = constantAllow(this.name, `margin ratio after the order within max ${config.max}`);
  }

  check(order: ProposedOrder, { portfolio }: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return reduceOnlyAllowed(this.name);
    this.#awaiting.clear(order.symbol);
    const equity = portfolio.equity();
    if (!(equity > 0)) return deny(this.name, `equity ${money(equity)} is not positive`);
    const leverage = Math.max(1, order.leverage);
    const awaiting = this.#awaiting.totalExcept(order.symbol);
    const used = portfolio.usedMargin() + awaiting;
    const position = portfolio.position(order.symbol);
    const held = portfolio.positionQuantity(order.symbol);
    const own = position ? (position.quantity * position.entryPrice) / position.leverage : 0;
    const others = used - own;
    const cap = this.#max * equity;
    const s = direction(order);
    const perUnit = order.price / leverage;
    let after: number;
    let maxQuantity: number;
    if (s * held >= 0) {
      after = used + order.quantity * perUnit;
      maxQuantity = (cap - used) / perUnit;
    } else {
      // A reversal: the engine's separate reduce-only order closes the position and frees its margin.
      after = others + order.quantity * perUnit;
      maxQuantity = (cap - others) / perUnit;
    }
    let result = this.#fits;
    if (!fitsUnderCap(order.quantity, maxQuantity)) {
      const pending = awaiting > 0 ? ` incl. ${money(awaiting)} for orders awaiting fill` : "";
      const describe =
        maxQuantity > 0
          ? `margin ratio after the order ${(after / equity).toFixed(3)} (used margin ${money(after)}${pending} / equity ${money(equity)}), max ${this.#max}`
          : `margin ratio already ${(used / equity).toFixed(3)} (used margin ${money(used)}${pending} / equity ${money(equity)}), max ${this.#max}`;
      result = cutToCap(this.name, order.quantity, maxQuantity, describe);
    }
    if (result.verdict !== "deny") {
      const added = order.quantity * (result.scale ?? 1) * perUnit - (s * held >= 0 ? 0 : own);
      this.#awaiting.set(order.symbol, Math.max(0, added));
    }
    return result;
  }

  onFill(fill: Fill): void {
    this.#awaiting.clear(fill.symbol);
  }
}

/** Factory from the parsed config section. */
export function maxMarginRatio(config: Pick<MarginRatioConfig, "max">): MaxMarginRatio {
  return new MaxMarginRatio(config);
}
