import type { RegimeLabel } from "../market-snapshot.js";
import type { PositionManagementConfig } from "./position-config.js";

/** +1 for a long, −1 for a short: the sign of a favourable move. */
export type Direction = 1 | -1;

/** True when stop `a` is tighter (closer to the price, more protective) than stop `b` for this direction. */
export function isTighter(direction: Direction, a: number, b: number | undefined): boolean {
  return b === undefined || Number.isNaN(b) || (direction === 1 ? a > b : a < b);
}

/** Price `distance` away from `from` against (−) or in favour of (+) the position. */
export function offsetPrice(direction: Direction, from: number, distance: number): number {
  return from + direction * distance;
}

/**
 * Distance of the initial stop from entry: the regime's ATR multiple × ATR(14), or a fixed share of entry (also
 * when the ATR is not known yet). Returns the distance and the words for the decision trail.
 */
export function initialStopDistance(
  config: PositionManagementConfig["stopLoss"],
  entry: number,
  atr: number,
  regime: RegimeLabel | undefined,
): { distance: number; reason: string } {
  if (config.method === "atr") {
    const multiple = config.atrMultiples[regime ?? "unknown"];
    if (atr > 0 && Number.isFinite(atr)) {
      return {
        distance: multiple * atr,
        reason: `${multiple} ATR (regime ${regime ?? "unknown"}, ATR ${atr.toFixed(4)})`,
      };
    }
    return { distance: config.percent * entry, reason: `${config.percent * 100}% of entry (ATR not known yet)` };
  }
  return { distance: config.percent * entry, reason: `${config.percent * 100}% of entry` };
}

/**
 * The most protective stop that break-even and trailing ask for, given the best price since entry; undefined when
 * neither has activated. Break-even at +activation moves to entry ± offset; the trail at +activation follows the
 * best price by a share of it or by an ATR multiple (the share when the ATR is not known).
 */
export function ratchetStop(
  config: Pick<PositionManagementConfig, "breakEven" | "trailingStop">,
  direction: Direction,
  entry: number,
  best: number,
  atr: number,
): { price: number; reason: string } | undefined {
  const move = (direction * (best - entry)) / entry;
  let result: { price: number; reason: string } | undefined;
  const { breakEven, trailingStop } = config;
  if (breakEven.enabled && move >= breakEven.activation) {
    result = {
      price: offsetPrice(direction, entry, breakEven.offset * entry),
      reason: `break-even: best ${best} is ${(move * 100).toFixed(2)}% from entry, stop to entry ± ${breakEven.offset * 100}%`,
    };
  }
  if (trailingStop.enabled && move >= trailingStop.activation) {
    const byAtr = trailingStop.method === "atr" && atr > 0 && Number.isFinite(atr);
    const distance = byAtr ? trailingStop.atrMultiple * atr : trailingStop.percent * best;
    const price = offsetPrice(direction, best, -distance);
    if (isTighter(direction, price, result?.price)) {
      result = {
        price,
        reason: `trailing stop ${byAtr ? `${trailingStop.atrMultiple} ATR` : `${trailingStop.percent * 100}%`} behind best ${best}`,
      };
    }
  }
  return result;
}

/**
 * How close the mark is to the liquidation price, as the guard reads it: for "distance" the share of the way from
 * entry to liquidation still left (1 at entry, 0 at liquidation); for "atr" the distance in ATRs.
 */
export function liquidationProximity(
  config: PositionManagementConfig["liquidationGuard"],
  direction: Direction,
  entry: number,
  mark: number,
  liquidation: number,
  atr: number,
): { danger: boolean; words: string } | undefined {
  if (!(liquidation > 0) || !Number.isFinite(liquidation)) return undefined;
  if (config.method === "atr") {
    if (!(atr > 0) || !Number.isFinite(atr)) return undefined;
    const atrs = (direction * (mark - liquidation)) / atr;
    return { danger: atrs <= config.atrMultiple, words: `${atrs.toFixed(2)} ATR from liquidation ${liquidation}` };
  }
  const left = (mark - liquidation) / (entry - liquidation);
  return {
    danger: left <= config.distance,
    words: `${(left * 100).toFixed(1)}% of the way from entry to liquidation ${liquidation} left`,
  };
}
