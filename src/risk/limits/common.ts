import type { ProposedOrder, RiskCheckResult } from "../shield.js";

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 UTC of a Unix ms time: the "day" every daily limit counts in. */
export function utcDay(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** `2024-01-02` for a day number from `utcDay`. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** +1 for a buy, −1 for a sell: the sign the order adds to the signed position. */
export function direction(order: ProposedOrder): 1 | -1 {
  return order.side === "buy" ? 1 : -1;
}

/**
 * The order's symbol position after the order, in absolute base units, and the largest order quantity that keeps it
 * within `capUnits`. An order against the current position counts as a new position of its own size: the engine
 * closes the old one with a separate reduce-only order in the same decision (a reversal is close + open), so the
 * opening order is never netted against it.
 */
export function positionAfter(
  order: ProposedOrder,
  held: number,
  capUnits: number,
): { after: number; maxQuantity: number } {
  const s = direction(order);
  if (s * held >= 0) {
    return { after: Math.abs(held) + order.quantity, maxQuantity: capUnits - Math.abs(held) };
  }
  return { after: order.quantity, maxQuantity: capUnits };
}

export function allow(layer: string, reason: string): RiskCheckResult {
  return { layer, verdict: "allow", reason };
}

export function deny(layer: string, reason: string): RiskCheckResult {
  return { layer, verdict: "deny", reason };
}

/** Limits never block an order that only reduces a position; the record says why they let it pass. */
export function reduceOnlyAllowed(layer: string): RiskCheckResult {
  return allow(layer, "reduce-only order: does not add risk");
}

/**
 * The verdict of a cap on the size of an order: allow when `quantity` fits under `maxQuantity`, scale down to it
 * when part of it fits, deny when nothing does. `describe` says what was measured, for the reason.
 */
export function capQuantity(layer: string, quantity: number, maxQuantity: number, describe: string): RiskCheckResult {
  // A relative tolerance so that an order sized exactly at the cap is not scaled by 0.9999999999.
  if (quantity <= maxQuantity * (1 + 1e-9)) return allow(layer, describe);
  if (!(maxQuantity > 0)) return deny(layer, `${describe}: no room for a new order`);
  const scale = maxQuantity / quantity;
  return { layer, verdict: "scale", scale, reason: `${describe}: size × ${scale.toFixed(4)}` };
}

/** A percentage for a reason: `2.31 %`. */
export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** An amount of quote currency for a reason: `1234.50`. */
export function money(value: number): string {
  return value.toFixed(2);
}

/** A quantity or price with no binary noise and no needless digits: `0.00012`, `27350.5`. */
export function num(value: number): string {
  return String(Number(value.toPrecision(10)));
}

/** JSON.parse that returns undefined for malformed text, so the caller's schema reports what was stored. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Amounts (notional, margin) of orders a layer let through whose fills have not arrived yet, by symbol. Orders of
 * several symbols decided at the same instant are all sent before any fills, so a cap over the whole portfolio must
 * count the others' orders, not only their positions. An entry ends with its symbol's next fill or next order (by
 * then its fill has come, if it ever will). An entry whose order another layer denied counts until then: the error
 * is on the safe side and lasts one bar of that symbol.
 */
export class AwaitingFills {
  readonly #bySymbol = new Map<string, number>();

  set(symbol: string, amount: number): void {
    this.#bySymbol.set(symbol, amount);
  }

  clear(symbol: string): void {
    this.#bySymbol.delete(symbol);
  }

  /** Sum over every symbol except `symbol`. */
  totalExcept(symbol: string): number {
    let total = 0;
    for (const [s, amount] of this.#bySymbol) if (s !== symbol) total += amount;
    return total;
  }
}
