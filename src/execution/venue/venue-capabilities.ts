/**
 * The capability check (freqtrade's EXCHANGE_HAS_REQUIRED): before trading starts, refuse an exchange that lacks a
 * CCXT method the bot needs, naming every missing one at once.
 */
import type { Exchange } from "ccxt";

/** CCXT `has` entries every venue needs for trading with client order ids and order reports. */
export const REQUIRED_CAPABILITIES = [
  "createOrder",
  "cancelOrder",
  "fetchOrder",
  "fetchOpenOrders",
  "fetchBalance",
  "watchOrders",
] as const;

/** Needed in addition on a derivatives venue (positions are reconciled at every start). */
export const DERIVATIVES_CAPABILITIES = ["fetchPositions"] as const;

export class VenueCapabilityError extends Error {
  readonly missing: readonly string[];
  constructor(exchangeId: string, missing: readonly string[]) {
    super(
      `exchange "${exchangeId}" cannot be traded by Aegis: CCXT reports no support for ${missing.join(", ")} ` +
        "(needed to place, track and reconcile orders)",
    );
    this.name = "VenueCapabilityError";
    this.missing = missing;
  }
}

/** Throws VenueCapabilityError when `exchange.has` lacks a required capability (emulated ones count as present). */
export function assertVenueCapabilities(exchange: Pick<Exchange, "id" | "has">, derivatives: boolean): void {
  const wanted: string[] = [...REQUIRED_CAPABILITIES, ...(derivatives ? DERIVATIVES_CAPABILITIES : [])];
  const missing = wanted.filter((name) => {
    const value = exchange.has[name];
    return value !== true && value !== "emulated";
  });
  if (missing.length > 0) throw new VenueCapabilityError(exchange.id, missing);
}
