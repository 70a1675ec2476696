import { z } from "zod";
import type { ProposedOrder, RiskCheckResult, RiskLayer } from "../shield.js";
import { AllowCache, deny } from "./common.js";

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
  readonly #times: number[] = [];
  /** Allow verdicts by the count in the window, for opening and for reduce-only orders. */
  readonly #allowed = new AllowCache<number>(this.name);
  readonly #allowedReducing = new AllowCache<number>(this.name);

  constructor(config: Pick<OrderRateConfig, "maxPerMinute">) {
    this.#max = config.maxPerMinute;
  }

  check(order: ProposedOrder): RiskCheckResult {
    const t = order.time;
    const times = this.#times;
    // Order times come from bars, so slots of different timeframes may arrive slightly out of order: the window
    // (t − 60 s, t] is counted by search rather than assumed to be the tail.
    const end = upperBound(times, t);
    const recent = end - upperBound(times, t - WINDOW_MS);
    if (recent >= this.#max && !order.reduceOnly) return deny(this.name, this.#measured(recent));
    if (end === times.length) times.push(t);
    else times.splice(end, 0, t);
    const newest = times[times.length - 1] as number;
    if ((times[0] as number) <= newest - 2 * WINDOW_MS) {
      // Drops the times no window can reach any more, in place (few remain: a loop beats copyWithin on arrays).
      const drop = upperBound(times, newest - 2 * WINDOW_MS);
      const kept = times.length - drop;
      for (let i = 0; i < kept; i++) times[i] = times[i + drop] as number;
      times.length = kept;
    }
    if (order.reduceOnly) {
      return (
        this.#allowedReducing.find(recent) ??
        this.#allowedReducing.add(recent, `reduce-only order: never refused (${this.#measured(recent)})`)
      );
    }
    return this.#allowed.find(recent) ?? this.#allowed.add(recent, this.#measured(recent));
  }

  #measured(recent: number): string {
    return `${recent} orders in the last 60 s, max ${this.#max}`;
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
