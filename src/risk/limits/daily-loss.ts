import { z } from "zod";
import { DAY_MS, dayLabel, utcDay } from "../shared/days.js";
import { money, parseJson, pct } from "../shared/format.js";
import type { ProposedOrder, RiskCheckResult, RiskContext, RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { allow, constantAllow, deny, reduceOnlyAllowed } from "./common.js";

export const dailyLossSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Loss since the start of the UTC day, as a percentage of that day's starting equity, that stops new positions. */
    maxPct: z.number().positive().max(100).default(2),
  })
  .strict();
export type DailyLossConfig = z.infer<typeof dailyLossSchema>;

/** Store key of the day's starting equity, so a restart in the middle of a bad day does not forget the loss. */
export const DAILY_LOSS_KEY = "limits.daily-loss";

/**
 * Max daily loss: once equity is down `maxPct` % or more from the equity at the start of the UTC day, new positions
 * are denied until the next UTC day. Not a halt: reducing orders and the next day trade normally.
 *
 * The day's starting equity is the last equity observed before the day began (the close of the previous day's
 * last bar), or the first one observed in the day when there is none.
 */
export class MaxDailyLoss implements RiskLayer {
  readonly name = "max-daily-loss";
  readonly phase = "limit";
  readonly #maxPct: number;
  readonly #store: RiskStateStore | undefined;
  #day = Number.NEGATIVE_INFINITY;
  #start: number | undefined;
  #last: number | undefined;
  /** The start equity as last written, and its text: flat days start where the last one did. */
  #writtenEquity = Number.NaN;
  #writtenText = "null";
  readonly #noEquityYet: RiskCheckResult;
  readonly #withinLimit: RiskCheckResult;

  constructor(config: Pick<DailyLossConfig, "maxPct">, store?: RiskStateStore) {
    this.#maxPct = config.maxPct;
    this.#store = store;
    this.#noEquityYet = constantAllow(this.name, "no equity observed yet today");
    this.#withinLimit = constantAllow(
      this.name,
      `loss since the start of the UTC day below the max daily loss ${config.maxPct} %`,
    );
    const saved = store?.get(DAILY_LOSS_KEY);
    if (saved !== undefined) {
      const parsed = savedSchema.safeParse(parseJson(saved));
      if (!parsed.success) throw new RangeError(`risk state ${DAILY_LOSS_KEY} is unreadable: ${saved}`);
      this.#day = Math.floor(Date.parse(`${parsed.data.day}T00:00:00Z`) / DAY_MS);
      this.#start = parsed.data.startEquity;
    }
  }

  /** Equity at the start of the current day, if known. */
  get startEquity(): number | undefined {
    return this.#start;
  }

  observe(time: number, equity: number): undefined {
    // Called on every time step: only a new day or a missing start needs more than remembering the equity.
    if (Math.floor(time / DAY_MS) > this.#day || this.#start === undefined) {
      this.#roll(time);
      if (this.#start === undefined) this.#setStart(equity);
    }
    this.#last = equity;
    return undefined;
  }

  check(order: ProposedOrder, context: RiskContext): RiskCheckResult {
    if (order.reduceOnly) return reduceOnlyAllowed(this.name);
    this.#roll(order.time);
    const start = this.#start;
    if (start === undefined) return this.#noEquityYet;
    if (!(start > 0)) return deny(this.name, `equity at the start of the day ${money(start)} is not positive`);
    const equity = context.portfolio.equity();
    const loss = (start - equity) / start;
    if (loss * 100 < this.#maxPct - 1e-9) return this.#withinLimit;
    const measured = `${loss >= 0 ? "down" : "up"} ${pct(Math.abs(loss))} today (${money(start)} → ${money(equity)})`;
    // A loss that is not a number (equity NaN) is not at the limit either: allowed, with the numbers shown.
    if (!(loss * 100 >= this.#maxPct - 1e-9)) return allow(this.name, `${measured}, max daily loss ${this.#maxPct} %`);
    return deny(
      this.name,
      `${measured}, max daily loss ${this.#maxPct} %: no new positions until ${dayLabel(this.#day + 1)} 00:00 UTC`,
    );
  }

  #roll(time: number): void {
    const day = utcDay(time);
    if (day <= this.#day) return;
    this.#day = day;
    this.#start = undefined;
    if (this.#last !== undefined) this.#setStart(this.#last);
  }

  #setStart(equity: number): void {
    this.#start = equity;
    if (this.#store === undefined) return;
    // The same text as JSON.stringify({ day, startEquity }), written on every day change: the number's text is
    // reused while equity stays put (no position), since writing a number out is the costly part.
    if (!Object.is(equity, this.#writtenEquity)) {
      this.#writtenEquity = equity;
      this.#writtenText = jsonNumber(equity);
    }
    this.#store.set(DAILY_LOSS_KEY, `{"day":"${dayLabel(this.#day)}","startEquity":${this.#writtenText}}`);
  }
}

/** A number as JSON.stringify writes it: non-finite values become null. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

const savedSchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), startEquity: z.number() });

/** Factory from the parsed config section. */
export function maxDailyLoss(config: Pick<DailyLossConfig, "maxPct">, store?: RiskStateStore): MaxDailyLoss {
  return new MaxDailyLoss(config, store);
}
