/**
 * Which calendar each traded symbol follows, and the questions the trading runtime asks of it: may an order reach
 * the market now, may a bar fill orders, when does a daily bar close. Crypto trades around the clock; equities and
 * ETFs follow their exchange (the NYSE calendar for US listings).
 */
import { ALWAYS_OPEN, type ExchangeCalendar, isMarketOpen, NYSE, nextSession } from "./exchange-calendar.js";

const DAY = 86_400_000;

/** Venues whose listings are US equities and ETFs (NYSE hours); every other venue is taken as crypto (24/7). */
const EQUITY_VENUES: ReadonlySet<string> = new Set(["alpaca", "alpaca-sim"]);

/** The calendar of the listings of CCXT venue `exchangeId`. */
export function calendarOfVenue(exchangeId: string): ExchangeCalendar {
  return EQUITY_VENUES.has(exchangeId.toLowerCase()) ? NYSE : ALWAYS_OPEN;
}

export class MarketHours {
  readonly #calendars: ReadonlyMap<string, ExchangeCalendar>;

  /** `calendars`: symbol → calendar; a symbol not listed trades around the clock. */
  constructor(calendars: Readonly<Record<string, ExchangeCalendar>> | ReadonlyMap<string, ExchangeCalendar>) {
    this.#calendars = calendars instanceof Map ? calendars : new Map(Object.entries(calendars));
  }

  calendarOf(symbol: string): ExchangeCalendar {
    return this.#calendars.get(symbol) ?? ALWAYS_OPEN;
  }

  /** Whether an order for `symbol` may reach its market at `time`. */
  isOpen(symbol: string, time: number): boolean {
    return isMarketOpen(this.calendarOf(symbol), time);
  }

  /**
   * Why `symbol`'s market is closed at `time` ("market closed (nyse) until 2024-01-03T14:30:00.000Z"), or
   * undefined while it is open.
   */
  closedReason(symbol: string, time: number): string | undefined {
    const calendar = this.calendarOf(symbol);
    if (isMarketOpen(calendar, time)) return undefined;
    const next = nextSession(calendar, time);
    return `market closed (${calendar.name})${next ? ` until ${new Date(next.open).toISOString()}` : ""}`;
  }

  /**
   * Whether the bar of `symbol` opening at `barTime` and lasting `barMs` can fill orders at its prices: intraday, a
   * bar that overlaps a session (the 09:00 New York hourly bar, whose first session trade is the 09:30 open; an order
   * waiting since the close fills at that bar's open); a daily or longer bar, when its day is a trading day (its open
   * is the session's open). A bar wholly outside the session (extended hours) fills nothing.
   */
  tradableBar(symbol: string, barTime: number, barMs: number): boolean {
    const calendar = this.calendarOf(symbol);
    const session = calendar.session(Math.floor(barTime / DAY));
    if (barMs >= DAY) return session !== undefined;
    if (isMarketOpen(calendar, barTime)) return true;
    return session !== undefined && barTime < session.close && barTime + barMs > session.open;
  }
}

/**
 * When the bar opening at `barTime` has closed: for a daily bar on an exchange with sessions, at the close of the
 * session of its day (16:00 New York, 13:00 on early-close days), not at midnight; otherwise `barTime + barMs`.
 */
export function barCloseTime(calendar: ExchangeCalendar, barTime: number, barMs: number): number {
  if (calendar.fullDays || barMs !== DAY) return barTime + barMs;
  const session = calendar.session(Math.floor(barTime / DAY));
  return session?.close ?? barTime + barMs;
}
