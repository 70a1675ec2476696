import type { MarketHours } from "../data/calendar/market-hours.js";
import type { Clock } from "../domain/clock.js";
import type { RiskLayer } from "../risk/shield.js";

/**
 * Says in the decision record that an order meets a closed market. The order is not refused: entries and exits
 * alike are held by the venue until the market opens (the simulated venue fills them at the first bar that opens
 * in a session), so the record reads "market closed (nyse) until …; held until the open". The time asked is the
 * runtime's clock, the instant the order goes out, which for a bar-close decision is the bar's close.
 */
export function marketHoursLayer(hours: MarketHours, clock: Clock): RiskLayer {
  const name = "market-hours";
  return {
    name,
    phase: "final",
    check(order) {
      const closed = hours.closedReason(order.symbol, clock.now());
      if (closed === undefined) return { layer: name, verdict: "allow", reason: "market open" };
      return {
        layer: name,
        verdict: "allow",
        reason: `${closed}; ${order.reduceOnly ? "exit" : "entry"} held until the open`,
      };
    },
  };
}
