import type { ProposedOrder, RiskCheckResult } from "../shield.js";

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

/**
 * A frozen "allow" verdict for a layer to build once and return every time its reason is the same: records share
 * it instead of each holding a fresh object and string (the shield checks every layer on every order).
 */
export function constantAllow(layer: string, reason: string): RiskCheckResult {
  return Object.freeze({ layer, verdict: "allow", reason });
}

/**
 * Frozen "allow" verdicts keyed by what varies in their reason (a count, a symbol, a leverage setting), so that each
 * distinct reason is built once while the keys repeat: `find(key) ?? add(key, reason)`. Bounded: keys that never
 * repeat (a continuous confidence) cost one entry each until the next clear, never unbounded memory.
 */
export class AllowCache<K> {
  readonly #layer: string;
  readonly #byKey = new Map<K, RiskCheckResult>();

  constructor(layer: string) {
    this.#layer = layer;
  }

  find(key: K): RiskCheckResult | undefined {
    return this.#byKey.get(key);
  }

  add(key: K, reason: string): RiskCheckResult {
    if (this.#byKey.size >= ALLOW_CACHE_SIZE) this.#byKey.clear();
    const result = constantAllow(this.#layer, reason);
    this.#byKey.set(key, result);
    return result;
  }
}

const ALLOW_CACHE_SIZE = 256;

export function deny(layer: string, reason: string): RiskCheckResult {
  return { layer, verdict: "deny", reason };
}

/** Limits never block an order that only reduces a position; the record says why they let it pass. */
export function reduceOnlyAllowed(layer: string): RiskCheckResult {
  let result = reduceOnlyByLayer.get(layer);
  if (result === undefined) {
    result = constantAllow(layer, "reduce-only order: does not add risk");
    reduceOnlyByLayer.set(layer, result);
  }
  return result;
}

const reduceOnlyByLayer = new Map<string, RiskCheckResult>();

/**
 * The verdict of a cap on the size of an order: allow when `quantity` fits under `maxQuantity`, scale down to it
 * when part of it fits, deny when nothing does. `describe` says what was measured, for the reason.
 */
export function capQuantity(layer: string, quantity: number, maxQuantity: number, describe: string): RiskCheckResult {
  if (fitsUnderCap(quantity, maxQuantity)) return allow(layer, describe);
  return cutToCap(layer, quantity, maxQuantity, describe);
}

/** Whether `quantity` fits under `maxQuantity`: the allow case of `capQuantity`, tested before any reason is built. */
export function fitsUnderCap(quantity: number, maxQuantity: number): boolean {
  // A relative tolerance so that an order sized exactly at the cap is not scaled by 0.9999999999.
  return quantity <= maxQuantity * (1 + 1e-9);
}

/** The verdict of `capQuantity` for an order that does not fit (`fitsUnderCap` false): scaled to the cap, or denied. */
export function cutToCap(layer: string, quantity: number, maxQuantity: number, describe: string): RiskCheckResult {
  if (!(maxQuantity > 0)) return deny(layer, `${describe}: no room for a new order`);
  const scale = maxQuantity / quantity;
  return { layer, verdict: "scale", scale, reason: `${describe}: size × ${scale.toFixed(4)}` };
}

/**
 * Amounts (notional, margin) of orders a layer let through whose fills have not arrived yet, by symbol. Orders of
 * several symbols decided at the same instant are all sent before any fills, so a cap over the whole portfolio must
 * count the others' orders, not only their positions. An entry ends with its symbol's next fill or next order (by
 * then its fill has come, if it ever will). An entry whose order another layer denied counts until then: the error
 * is on the safe side and lasts one bar of that symbol.
 */
export class AwaitingFills {
  // Two small parallel arrays in the order a Map would keep (a cleared symbol that comes back goes last), so sums
  // add up in the same order; cheaper than a Map for the handful of symbols a run has, set and cleared per order.
  // Entries live in the first `#count` slots; the arrays never shrink, so setting and clearing allocate nothing.
  readonly #symbols: string[] = [];
  readonly #amounts: number[] = [];
  #count = 0;

  set(symbol: string, amount: number): void {
    const i = this.#indexOf(symbol);
    if (i >= 0) {
      this.#amounts[i] = amount;
      return;
    }
    this.#symbols[this.#count] = symbol;
    this.#amounts[this.#count] = amount;
    this.#count++;
  }

  clear(symbol: string): void {
    const i = this.#indexOf(symbol);
    if (i < 0) return;
    const symbols = this.#symbols;
    const amounts = this.#amounts;
    for (let k = i + 1; k < this.#count; k++) {
      symbols[k - 1] = symbols[k] as string;
      amounts[k - 1] = amounts[k] as number;
    }
    this.#count--;
  }

  /** Sum over every symbol except `symbol`. */
  totalExcept(symbol: string): number {
    let total = 0;
    const symbols = this.#symbols;
    for (let i = 0; i < this.#count; i++) if (symbols[i] !== symbol) total += this.#amounts[i] as number;
    return total;
  }

  #indexOf(symbol: string): number {
    for (let i = 0; i < this.#count; i++) if (this.#symbols[i] === symbol) return i;
    return -1;
  }
}
