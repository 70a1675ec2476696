import type { SimulatedBroker } from "../../execution/simulated-broker.js";
import type { ClientVenue } from "../../execution/venue/client-venue.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { Engine } from "../engine.js";
import type { LiveRunner } from "../live-runner.js";

/** The venue that closes a position: the real one when there is one, else the simulated broker (paper). */
function closingVenue(engine: Engine, clientVenue: ClientVenue | undefined): ClientVenue | SimulatedBroker {
  return clientVenue ?? (engine.broker as SimulatedBroker);
}

/** Closes every open position at its slot's last bar (emergency stop with --flatten). */
export function flattenAll(engine: Engine, clientVenue: ClientVenue | undefined, reason: string): void {
  const venue = closingVenue(engine, clientVenue);
  for (const slot of engine.slots) {
    const last = slot.series().length - 1;
    if (last >= 0 && engine.portfolio.positionQuantity(slot.config.symbol) !== 0)
      venue.flatten(slot.config.symbol, last, `emergency stop: ${reason}`);
  }
}

/** What a strategy swap did: the strategy it replaced and what became of the position. */
export interface StrategySwap {
  readonly from: string;
  readonly position: string;
  readonly quantity: number;
}

/**
 * Puts `strategy` in the slot of `symbol` (from its next bar on). The open position stays for the new strategy to
 * manage, unless it is a short the new, long-only strategy cannot hold: that is closed at the last bar.
 */
export function swapStrategyOf(
  engine: Engine,
  runner: LiveRunner,
  clientVenue: ClientVenue | undefined,
  symbol: string,
  strategy: Strategy,
): StrategySwap {
  const slot = engine.slots.find((s) => s.config.symbol === symbol);
  if (!slot) throw new RangeError(`no slot for ${symbol}`);
  const from = slot.config.strategy.name;
  runner.swapStrategy(symbol, strategy);
  const quantity = engine.portfolio.positionQuantity(symbol);
  let position = quantity === 0 ? "flat" : "kept: the new strategy manages it";
  if (quantity < 0 && !slot.allowShort) {
    const venue = closingVenue(engine, clientVenue);
    venue.flatten(symbol, slot.series().length - 1, `strategy swap ${from} → ${strategy.name}: long-only`);
    position = "short closed: the new strategy is long-only";
  }
  return { from, position, quantity };
}
