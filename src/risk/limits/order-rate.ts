import { z } from "zod";
import type { ProposedOrder, RiskCheckResult, RiskLayer } from "../shield.js";
import { allow, deny } from "./common.js";

export const orderRateSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Orders allowed in any rolling 60 seconds (order times). */
    maxPerMinute: z.number().int().positive().default(60),
  })
  .strict();
export type OrderRateConfig = z.infer<typeof orderRateSchema>;

const WINDOW_MS = 60_000;

/**
 * Max order rate: at most `maxPerMinute` orders in any rolling 60 s, by the orders' own times — a guard against a
 * runaway loop and the venue's rate limits. Every order this layer lets through counts, reduce-only ones too (they
 * reach the venue), but a reduce-only order is never refused.
 */
export class MaxOrderRate implements RiskLayer {
  readonly name = "max-order-rate";
  readonly phase = "limit";
  readonly #max: number;
  /** Times of counted orders, sorted; those that can no longer be in any window are dropped. */
  #times: number[] = [];

  constructor(config: Pick<OrderRateConfig, "maxPerMinute">) {
    this.#max = config.maxPerMinute;
  }

  check(order: ProposedOrder): RiskCheckResult {
    const t = order.time;
    const times = this.#times;
    // Order times come from bars, so slots of different timeframes may arrive slightly out of order: the window
    // (t − 60 s, t] is counted by search rather than assumed to be the tail.
    const recent = upperBound(times, t) - upperBound(times, t - WINDOW_MS);
    const measured = `${recent} orders in the last 60 s, max ${this.#max}`;
    if (recent >= this.#max && !order.reduceOnly) return deny(this.name, measured);
    times.splice(upperBound(times, t), 0, t);
    const newest = times[times.length - 1] as number;
    if ((times[0] as number) <= newest - 2 * WINDOW_MS)
      this.#times = times.slice(upperBound(times, newest - 2 * WINDOW_MS));
    return allow(this.name, order.reduceOnly ? `reduce-only order: never refused (${measured})` : measured);
  }
}

/** Index of the first element greater than `value` in the sorted array. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Factory from the parsed config section. */
export function maxOrderRate(config: Pick<OrderRateConfig, "maxPerMinute">): MaxOrderRate {
  return new MaxOrderRate(config);
}
