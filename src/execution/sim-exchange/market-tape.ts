/**
 * The price of one simulated market at any instant: one-minute bars from the project's simulated market, revealed
 * as market time passes. Inside a bar the price walks open → first extreme → second extreme → close at 0, 20, 40 and
 * 60 seconds (low first on a rising bar, high first on a falling one), so a still-forming bar has a well-defined open,
 * high, low and close at every instant and every closed bar equals the generated one exactly.
 */

import { simulateMarket } from "../../data/simulated/index.js";
import type { Candle, CandleSeries } from "../../domain/candles.js";

export const TAPE_BAR_MS = 60_000;

export interface MarketTapeOptions {
  readonly symbol: string;
  readonly startPrice: number;
  /** Seed of the simulated market (string or number). */
  readonly seed: string | number;
  /** Minute bars generated; the market stops moving after the last one. */
  readonly bars: number;
  /** Open time of the first bar (aligned to the minute). */
  readonly startTime: number;
  readonly tickSize: number;
}

export class MarketTape {
  readonly series: CandleSeries;
  readonly startTime: number;
  private readonly tickSize: number;
  private readonly tickDecimals: number;

  constructor(options: MarketTapeOptions) {
    this.series = simulateMarket({
      symbol: options.symbol,
      seed: options.seed,
      bars: options.bars,
      timeframe: "1m",
      startTime: options.startTime,
      startPrice: options.startPrice,
      tickSize: options.tickSize,
    }).series;
    this.startTime = options.startTime;
    this.tickSize = options.tickSize;
    this.tickDecimals = Math.max(0, Math.round(-Math.log10(options.tickSize)));
  }

  /** The end of the generated history: the close time of the last bar. */
  get endTime(): number {
    return this.startTime + this.series.length * TAPE_BAR_MS;
  }

  /** Index of the bar that contains `time` (clamped to the generated range). */
  barIndex(time: number): number {
    const index = Math.floor((time - this.startTime) / TAPE_BAR_MS);
    return Math.min(Math.max(index, 0), this.series.length - 1);
  }

  /** The last traded price at `time`. */
  priceAt(time: number): number {
    const i = this.barIndex(time);
    const offset = Math.min(Math.max(time - (this.startTime + i * TAPE_BAR_MS), 0), TAPE_BAR_MS - 1);
    const path = this.pathOf(i);
    const segment = Math.min(Math.floor(offset / 20_000), 2);
    const fraction = (offset - segment * 20_000) / 20_000;
    const raw = path[segment]! + (path[segment + 1]! - path[segment]!) * fraction;
    return Number((Math.round(raw / this.tickSize) * this.tickSize).toFixed(this.tickDecimals));
  }

  /** The bar with index `i` as it stands at `time`: complete once `time` reaches its close, partial before. */
  candleAt(i: number, time: number): Candle {
    const s = this.series;
    const barStart = this.startTime + i * TAPE_BAR_MS;
    if (time >= barStart + TAPE_BAR_MS) {
      return {
        time: s.time[i]!,
        open: s.open[i]!,
        high: s.high[i]!,
        low: s.low[i]!,
        close: s.close[i]!,
        volume: s.volume[i]!,
      };
    }
    const offset = Math.max(time - barStart, 0);
    const path = this.pathOf(i);
    const close = this.priceAt(time);
    let high = Math.max(path[0]!, close);
    let low = Math.min(path[0]!, close);
    for (let k = 1; k <= 2; k++) {
      if (offset >= k * 20_000) {
        high = Math.max(high, path[k]!);
        low = Math.min(low, path[k]!);
      }
    }
    const volume = Math.round(s.volume[i]! * (offset / TAPE_BAR_MS) * 1e8) / 1e8;
    return { time: barStart, open: path[0]!, high, low, close, volume };
  }

  /**
   * Bars of `intervalMs` (a multiple of one minute) whose open lies in [from, to], aggregated from the minute bars
   * revealed by `now`; the last one may be still forming.
   */
  candles(intervalMs: number, now: number, from: number, to: number): Candle[] {
    const out: Candle[] = [];
    // Binance aligns every interval to the epoch; a bucket that starts before the first generated bar is left out.
    const first = Math.ceil(Math.max(from, this.startTime) / intervalMs) * intervalMs;
    const last = Math.min(to, now, this.endTime - 1);
    for (let open = first; open <= last; open += intervalMs) {
      const firstBar = this.barIndex(open);
      const lastBar = this.barIndex(Math.min(open + intervalMs - 1, now));
      let candle = this.candleAt(firstBar, now);
      for (let i = firstBar + 1; i <= lastBar; i++) {
        const next = this.candleAt(i, now);
        candle = {
          time: candle.time,
          open: candle.open,
          high: Math.max(candle.high, next.high),
          low: Math.min(candle.low, next.low),
          close: next.close,
          volume: Math.round((candle.volume + next.volume) * 1e8) / 1e8,
        };
      }
      out.push({ ...candle, time: open });
    }
    return out;
  }

  private pathOf(i: number): [number, number, number, number] {
    const s = this.series;
    const open = s.open[i]!;
    const close = s.close[i]!;
    return close >= open ? [open, s.low[i]!, s.high[i]!, close] : [open, s.high[i]!, s.low[i]!, close];
  }
}
