/**
 * The price of one simulated US stock: the project's simulated market, one generated minute bar per minute of an
 * NYSE session (09:30–16:00 New York, 13:00 on early closes; none on weekends and holidays), so bars, quotes and
 * fills exist only while the market is open, as on a real exchange. A minute is revealed once it has closed.
 */
import { NYSE, nextSession } from "../../data/calendar/exchange-calendar.js";
import { simulateMarket } from "../../data/simulated/index.js";
import type { Candle, CandleSeries } from "../../domain/candles.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface StockTapeOptions {
  readonly symbol: string;
  readonly startPrice: number;
  readonly seed: string | number;
  /** The first session is the one open at or after this time. */
  readonly startTime: number;
  /** Trading days generated. */
  readonly days: number;
}

export class StockTape {
  readonly symbol: string;
  /** Open time of each generated session minute, ascending. */
  readonly minuteTimes: Float64Array;
  readonly series: CandleSeries;

  constructor(options: StockTapeOptions) {
    this.symbol = options.symbol;
    const times: number[] = [];
    let at = options.startTime;
    for (let d = 0; d < options.days; d++) {
      const session = nextSession(NYSE, at);
      if (session === undefined) break;
      for (let t = Math.max(session.open, Math.ceil(at / MINUTE) * MINUTE); t < session.close; t += MINUTE)
        times.push(t);
      at = session.close;
    }
    this.minuteTimes = Float64Array.from(times);
    this.series = simulateMarket({
      symbol: options.symbol,
      seed: options.seed,
      bars: times.length,
      timeframe: "1m",
      startPrice: options.startPrice,
      tickSize: 0.01,
      startTime: times[0] ?? options.startTime,
    }).series;
  }

  /** Index of the last session minute that opened at or before `time`, -1 before the first. */
  minuteIndex(time: number): number {
    let lo = 0;
    let hi = this.minuteTimes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.minuteTimes[mid] as number) <= time) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * The last trade price at `time`: the open of the session minute in progress, else the close of the last minute
   * that has closed (outside the session: the last close). Undefined before the first trade.
   */
  priceAt(time: number): number | undefined {
    const i = this.minuteIndex(time);
    if (i < 0) return undefined;
    const open = this.minuteTimes[i] as number;
    return time < open + MINUTE ? (this.series.open[i] as number) : (this.series.close[i] as number);
  }

  /** The closed minute `i` as a candle at its real time. */
  minute(i: number): Candle {
    const s = this.series;
    return {
      time: this.minuteTimes[i] as number,
      open: s.open[i] as number,
      high: s.high[i] as number,
      low: s.low[i] as number,
      close: s.close[i] as number,
      volume: s.volume[i] as number,
    };
  }

  /**
   * Bars of `unit` (minutes or hours aligned on the clock, or days starting at midnight New York) with open times in
   * [from, to], from the minutes closed by `now`; a bar is made of the minutes of its span (only session minutes).
   */
  bars(span: { kind: "minute" | "hour" | "day"; count: number }, from: number, to: number, now: number): Candle[] {
    const last = this.minuteIndex(now - MINUTE); // the minute that closed by now
    const out: Candle[] = [];
    let current: Candle | undefined;
    for (let i = Math.max(0, this.minuteIndex(from - DAY)); i <= last; i++) {
      const m = this.minute(i);
      const bucket = bucketOf(m.time, span);
      if (bucket < from) continue;
      if (bucket > to) break;
      if (current && current.time === bucket) {
        current = {
          time: bucket,
          open: current.open,
          high: Math.max(current.high, m.high),
          low: Math.min(current.low, m.low),
          close: m.close,
          volume: Math.round((current.volume + m.volume) * 1e8) / 1e8,
        };
        out[out.length - 1] = current;
      } else {
        current = { ...m, time: bucket };
        out.push(current);
      }
    }
    return out;
  }
}

/** Open time of the bar of `span` that contains `time`. */
export function bucketOf(time: number, span: { kind: "minute" | "hour" | "day"; count: number }): number {
  if (span.kind === "minute") return Math.floor(time / (span.count * MINUTE)) * span.count * MINUTE;
  if (span.kind === "hour") return Math.floor(time / (span.count * 3_600_000)) * span.count * 3_600_000;
  // Alpaca stamps a daily bar at midnight New York (04:00 or 05:00 UTC): the session's open less 9 h 30 min.
  const session = NYSE.session(Math.floor(time / DAY));
  return session ? session.open - 9.5 * 3_600_000 : Math.floor(time / DAY) * DAY;
}
