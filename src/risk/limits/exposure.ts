import { z } from "zod";
import type { Fill } from "../../domain/order.js";
import { money, pct } from "../shared/format.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import {
  AwaitingFills,
  constantAllow,
  cutToCap,
  deny,
  direction,
  fitsUnderCap,
  positionAfter,
  reduceOnlyAllowed,
} from "./common.js";

export const exposureSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Largest gross exposure (sum of |quantity × price| over all positions), as a percentage of equity. */
    maxPct: z.number().positive().max(10_000).default(30),
  })
  .strict();
export type ExposureConfig = z.infer<typeof exposureSchema>;

/**
 * Max total exposure: gross exposure after the order — every other position at its mark, plus other symbols'
 * orders still awaiting their fill, plus this symbol's position after the order at the order price — may be at
 * most `maxPct` % of equity; scaled down to fit, denied when full.
 */
export class MaxExposure implements RiskLayer {
  readonly name = "max-exposure";
  readonly phase = "limit";
  readonly #maxPct: number;
  readonly #awaiting = new AwaitingFills();
  /** An order that fits says so without its numbers; a cut or a denial shows them. */
  readonly #fits: RiskCheckResult;

  constructor(config: Pick<ExposureConfig, "maxPct">) {
    this.#maxPct = config.maxPct;
    this.#fits = constantAllow(this.name, `gross exposure after the order within max ${config.maxPct} % of equity`);
  }

  check(order: ProposedOrder, { portfolio }: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return reduceOnlyAllowed(this.name);
    this.#awaiting.clear(order.symbol);
    const equity = portfolio.equity();
    if (!(equity > 0)) return deny(this.name, `equity ${money(equity)} is not positive`);
    const cap = (this.#maxPct / 100) * equity;
    const position = portfolio.position(order.symbol);
    const held = portfolio.positionQuantity(order.symbol);
    const own = position ? position.quantity * position.markPrice : 0;
    const awaiting = this.#awaiting.totalExcept(order.symbol);
    const others = Math.max(0, portfolio.grossExposure() - own) + awaiting;
    const { after: units, maxQuantity } = positionAfter(order, held, Math.max(0, cap - others) / order.price);
    let result = this.#fits;
    if (!fitsUnderCap(order.quantity, maxQuantity)) {
      const after = others + units * order.price;
      const pending = awaiting > 0 ? ` (incl. ${money(awaiting)} of orders awaiting fill)` : "";
      const now = others + Math.abs(held) * order.price;
      const describe =
        maxQuantity > 0
          ? `gross exposure after the order ${money(after)}${pending} = ${pct(after / equity)} of equity, max ${this.#maxPct} %`
          : `gross exposure already ${money(now)}${pending} = ${pct(now / equity)} of equity, max ${this.#maxPct} %`;
      result = cutToCap(this.name, order.quantity, maxQuantity, describe);
    }
    if (result.verdict !== "deny") {
      // Only what the order adds to this symbol's exposure is awaited.
      const quantity = order.quantity * (result.scale ?? 1);
      const added = direction(order) * held >= 0 ? quantity : Math.max(0, quantity - Math.abs(held));
      this.#awaiting.set(order.symbol, added * order.price);
    }
    return result;
  }

  onFill(fill: Fill): void {
    this.#awaiting.clear(fill.symbol);
  }
}

/** Factory from the parsed config section. */
export function maxExposure(config: Pick<ExposureConfig, "maxPct">): MaxExposure {
  return new MaxExposure(config);
}
