import { z } from "zod";
import { formatNumber } from "../../domain/format-number.js";
import { floorToStep, type Instrument, roundToStep } from "../../domain/instrument.js";
import { money } from "../shared/format.js";
import type { RiskCheckResult, RiskLayer } from "../shield.js";
import { constantAllow, deny, reduceOnlyAllowed } from "./common.js";

export const exchangeConstraintsSchema = z
  .object({
    enabled: z.boolean().default(true),
  })
  .strict();
export type ExchangeConstraintsConfig = z.infer<typeof exchangeConstraintsSchema>;

/**
 * Exchange constraints: denies, with the precise number and rule, an opening order the venue would reject — the
 * quantity rounded down to the lot size below the minimum quantity, a price that the tick size cannot express,
 * an order value below the minimum notional — instead of letting the broker reject it. The checks mirror the
 * simulated broker's, which are Binance's filters (LOT_SIZE, PRICE_FILTER, MIN_NOTIONAL).
 *
 * It runs in the shield's final phase, so it sees the quantity after every other layer cut it.
 */
export function exchangeConstraints(): RiskLayer {
  const name = "exchange-constraints";
  // The allow reason names the venue's rules rather than this order's numbers, so it is built once per instrument.
  const allowed = new WeakMap<Instrument, RiskCheckResult>();
  const withinLimits = (instrument: Instrument): RiskCheckResult => {
    let result = allowed.get(instrument);
    if (result === undefined) {
      result = constantAllow(
        name,
        `quantity and notional within the limits of ${instrument.symbol} (lot size ${formatNumber(instrument.lotSize)}, min quantity ${formatNumber(instrument.minQuantity)}, min notional ${formatNumber(instrument.minNotional)})`,
      );
      allowed.set(instrument, result);
    }
    return result;
  };
  return {
    name,
    phase: "final",
    check(order, { instrument }) {
      if (order.reduceOnly) return reduceOnlyAllowed(name);
      const quantity = floorToStep(order.quantity, instrument.lotSize);
      if (!(quantity > 0)) {
        return deny(
          name,
          `quantity ${formatNumber(order.quantity)} rounds to 0 at lot size ${formatNumber(instrument.lotSize)} of ${instrument.symbol}`,
        );
      }
      if (quantity < instrument.minQuantity) {
        return deny(
          name,
          `quantity ${formatNumber(quantity)} below minimum ${formatNumber(instrument.minQuantity)} of ${instrument.symbol}`,
        );
      }
      if (!(roundToStep(order.price, instrument.tickSize) > 0)) {
        return deny(
          name,
          `price ${formatNumber(order.price)} rounds to 0 at tick size ${formatNumber(instrument.tickSize)} of ${instrument.symbol}`,
        );
      }
      const notional = quantity * order.price;
      if (notional < instrument.minNotional) {
        return deny(
          name,
          `notional ${money(notional)} below minimum ${formatNumber(instrument.minNotional)} of ${instrument.symbol}`,
        );
      }
      return withinLimits(instrument);
    },
  };
}
