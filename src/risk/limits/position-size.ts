import { z } from "zod";
import { money, pct } from "../shared/format.js";
import type { RiskLayer } from "../shield.js";
import { AllowCache, cutToCap, deny, fitsUnderCap, positionAfter, reduceOnlyAllowed } from "./common.js";

export const positionSizeSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Largest position in one symbol, as a percentage of equity (notional at the order price). */
    maxPct: z.number().positive().max(10_000).default(10),
  })
  .strict();
export type PositionSizeConfig = z.infer<typeof positionSizeSchema>;

/**
 * Max position size: the position in the order's symbol after the order — existing plus new, valued at the order
 * price — may be at most `maxPct` % of equity. A larger order is scaled down to fit; one that cannot fit at all
 * (the position is already at the cap) is denied. An order against the position is measured on its own, since the
 * engine closes the old position with a separate reduce-only order (see `positionAfter`).
 */
export function maxPositionSize(config: Pick<PositionSizeConfig, "maxPct">): RiskLayer {
  const name = "max-position-size";
  // An order that fits says so without its numbers (built once per symbol); a cut or a denial shows them.
  const allowed = new AllowCache<string>(name);
  return {
    name,
    phase: "limit",
    check(order, { portfolio }) {
      if (order.reduceOnly) return reduceOnlyAllowed(name);
      const equity = portfolio.equity();
      if (!(equity > 0)) return deny(name, `equity ${money(equity)} is not positive`);
      const cap = (config.maxPct / 100) * equity;
      const held = portfolio.positionQuantity(order.symbol);
      const { after: units, maxQuantity } = positionAfter(order, held, cap / order.price);
      if (fitsUnderCap(order.quantity, maxQuantity)) {
        return (
          allowed.find(order.symbol) ??
          allowed.add(
            order.symbol,
            `position in ${order.symbol} after the order within max ${config.maxPct} % of equity`,
          )
        );
      }
      const after = units * order.price;
      const describe =
        maxQuantity > 0
          ? `position in ${order.symbol} after the order ${money(after)} = ${pct(after / equity)} of equity, max ${config.maxPct} %`
          : `position in ${order.symbol} already ${money(Math.abs(held) * order.price)} = ${pct((Math.abs(held) * order.price) / equity)} of equity, max ${config.maxPct} %`;
      return cutToCap(name, order.quantity, maxQuantity, describe);
    },
  };
}
