import { z } from "zod";
import type { Fill, OrderSide } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { DAY_MS, dayLabel, utcDay } from "../shared/days.js";
import { parseJson } from "../shared/format.js";
import type { ProposedOrder, RiskCheckResult, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { AllowCache, deny, reduceOnlyAllowed } from "./common.js";

export const tradesPerDaySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Opening orders allowed per UTC day. */
    max: z.number().int().positive().default(10),
  })
  .strict();
export type TradesPerDayConfig = z.infer<typeof tradesPerDaySchema>;

/** Store key of today's count, so a restart does not hand out a fresh allowance. */
export const TRADES_PER_DAY_KEY = "limits.trades-per-day";

/**
 * Max trades per day: at most `max` opening orders per UTC day.
 *
 * What counts: an opening order that filled (once per client order id, however many partial fills), counted on the
 * day of its first fill. A layer cannot see whether the other layers approved an order, so counting every order it
 * allowed would charge orders another layer denied; counting fills charges only orders that really traded. To stop
 * several symbols deciding at the same instant from all slipping under the cap before any of them fills, an order
 * this layer allowed also counts as "awaiting fill" until its symbol's next decision (by which time its fill has
 * arrived, if it ever will).
 */
export class MaxTradesPerDay implements RiskLayer {
  readonly name = "max-trades-per-day";
  readonly phase = "limit";
  readonly #max: number;
  readonly #store: RiskStateStore | undefined;
  #day = Number.NEGATIVE_INFINITY;
  #count = 0;
  /** Opening orders this layer allowed, by symbol, whose fill has not arrived yet. */
  readonly #awaiting = new Map<string, OrderSide>();
  /** Client order ids already counted today (partial fills of one order count once). */
  readonly #counted = new Set<string>();
  /** Allow verdicts by count and orders awaiting fill: the same few numbers recur every day. */
  readonly #allowed = new AllowCache<number>(this.name);

  constructor(config: Pick<TradesPerDayConfig, "max">, store?: RiskStateStore) {
    this.#max = config.max;
    this.#store = store;
    const saved = store?.get(TRADES_PER_DAY_KEY);
    if (saved !== undefined) {
      const parsed = savedSchema.safeParse(parseJson(saved));
      if (!parsed.success) throw new RangeError(`risk state ${TRADES_PER_DAY_KEY} is unreadable: ${saved}`);
      this.#day = Math.floor(Date.parse(`${parsed.data.day}T00:00:00Z`) / DAY_MS);
      this.#count = parsed.data.count;
    }
  }

  /** Opening orders filled today (the day of the last order or fill seen). */
  get count(): number {
    return this.#count;
  }

  check(order: ProposedOrder): RiskCheckResult {
    if (order.reduceOnly) return reduceOnlyAllowed(this.name);
    this.#roll(order.time);
    // The symbol's previous order has filled by now (counted in onFill) or never will.
    this.#awaiting.delete(order.symbol);
    const awaiting = this.#awaiting.size;
    const count = this.#count;
    if (count + awaiting >= this.#max) {
      return deny(
        this.name,
        `${used(count, awaiting)}, max ${this.#max} per day: no new positions until ${dayLabel(this.#day + 1)}`,
      );
    }
    this.#awaiting.set(order.symbol, order.side);
    // Both numbers are below `max` here, so one key holds them both.
    const key = count * this.#max + awaiting;
    return this.#allowed.find(key) ?? this.#allowed.add(key, `${used(count, awaiting)}, max ${this.#max} per day`);
  }

  onFill(fill: Fill, trade: ClosedTrade | undefined): void {
    // A fill that closed a round trip is an exit; an opening fill is one this layer allowed on the same side.
    if (trade !== undefined || this.#counted.has(fill.clientOrderId)) return;
    if (this.#awaiting.get(fill.symbol) !== fill.side) return;
    this.#awaiting.delete(fill.symbol);
    this.#roll(fill.time);
    this.#counted.add(fill.clientOrderId);
    this.#count++;
    // The same text as JSON.stringify({ day, count }) without building the object.
    this.#store?.set(TRADES_PER_DAY_KEY, `{"day":"${dayLabel(this.#day)}","count":${this.#count}}`);
  }

  #roll(time: number): void {
    const day = utcDay(time);
    if (day <= this.#day) return;
    this.#day = day;
    this.#count = 0;
    this.#counted.clear();
  }
}

/** How much of the day's allowance is used, for a reason. */
function used(count: number, awaiting: number): string {
  return `${count} opening orders filled today${awaiting > 0 ? ` + ${awaiting} awaiting fill` : ""}`;
}

const savedSchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), count: z.number().int().min(0) });

/** Factory from the parsed config section. */
export function maxTradesPerDay(config: Pick<TradesPerDayConfig, "max">, store?: RiskStateStore): MaxTradesPerDay {
  return new MaxTradesPerDay(config, store);
}
