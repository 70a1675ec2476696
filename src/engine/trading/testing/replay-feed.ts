import type { FeedHandlers, MarketFeed } from "../../../data/feed/market-feed.js";
import { type Candle, type CandleSeries, candleAt } from "../../../domain/candles.js";
import type { ManualClock } from "../../../domain/clock.js";

/**
 * A feed over recorded series for tests: `history` answers from the bars closed by the clock's now, and
 * `deliverUntil` hands over every bar that closed since the last delivery, as a live feed would.
 */
export class ReplayFeed implements MarketFeed {
  readonly #series: Map<string, CandleSeries>;
  readonly #barMs: number;
  readonly #clock: ManualClock;
  #handlers: FeedHandlers | undefined;
  #after: Record<string, number> = {};
  readonly #next = new Map<string, number>();
  closed = false;

  constructor(series: readonly CandleSeries[], barMs: number, clock: ManualClock) {
    this.#series = new Map(series.map((s) => [s.symbol, s]));
    this.#barMs = barMs;
    this.#clock = clock;
  }

  async history(symbol: string, since: number, limit: number): Promise<Candle[]> {
    const s = this.#series.get(symbol);
    if (!s) throw new Error(`unknown symbol ${symbol}`);
    const out: Candle[] = [];
    for (let i = 0; i < s.length && out.length < limit; i++) {
      const t = s.time[i] as number;
      if (t >= since && t + this.#barMs <= this.#clock.now()) out.push(candleAt(s, i));
    }
    return out;
  }

  start(_symbols: readonly string[], after: Readonly<Record<string, number>>, handlers: FeedHandlers): void {
    this.#handlers = handlers;
    this.#after = { ...after };
  }

  /** Moves the clock to `time`, delivering each bar at its close (oldest first, symbols in series order). */
  deliverUntil(time: number): void {
    const handlers = this.#handlers;
    if (!handlers) throw new Error("feed not started");
    for (;;) {
      let best: { symbol: string; index: number; close: number } | undefined;
      for (const [symbol, s] of this.#series) {
        let i = this.#next.get(symbol) ?? 0;
        while (i < s.length && (s.time[i] as number) <= (this.#after[symbol] ?? Number.NEGATIVE_INFINITY)) i++;
        this.#next.set(symbol, i);
        if (i >= s.length) continue;
        const close = (s.time[i] as number) + this.#barMs;
        if (close <= time && (!best || close < best.close)) best = { symbol, index: i, close };
      }
      if (!best) break;
      if (best.close > this.#clock.now()) this.#clock.set(best.close);
      this.#next.set(best.symbol, best.index + 1);
      handlers.onClosedBar(best.symbol, candleAt(this.#series.get(best.symbol) as CandleSeries, best.index));
    }
    if (time > this.#clock.now()) this.#clock.set(time);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
