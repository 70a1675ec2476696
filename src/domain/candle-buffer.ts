import type { Candle, CandleSeries } from "./candles.js";
import type { Timeframe } from "./timeframe.js";

/**
 * A CandleSeries that grows one closed bar at a time (paper and live feeds). Arrays double when full; `view()`
 * returns a CandleSeries over the bars so far, sharing memory.
 */
export class CandleBuffer {
  readonly symbol: string;
  readonly timeframe: Timeframe | undefined;
  #length = 0;
  #time: Float64Array;
  #open: Float64Array;
  #high: Float64Array;
  #low: Float64Array;
  #close: Float64Array;
  #volume: Float64Array;
  #view: CandleSeries | undefined;

  constructor(symbol: string, timeframe: Timeframe | undefined, capacity = 1024) {
    this.symbol = symbol;
    this.timeframe = timeframe;
    const n = Math.max(16, capacity);
    this.#time = new Float64Array(n);
    this.#open = new Float64Array(n);
    this.#high = new Float64Array(n);
    this.#low = new Float64Array(n);
    this.#close = new Float64Array(n);
    this.#volume = new Float64Array(n);
  }

  get length(): number {
    return this.#length;
  }

  /** Appends a closed bar; its time must be after the last one (a feed that repeats or reorders is a bug upstream). */
  append(bar: Candle): number {
    const i = this.#length;
    if (i > 0 && !(bar.time > (this.#time[i - 1] as number))) {
      throw new RangeError(`${this.symbol}: bar at ${new Date(bar.time).toISOString()} is not after the previous bar`);
    }
    if (i === this.#time.length) this.#grow();
    this.#time[i] = bar.time;
    this.#open[i] = bar.open;
    this.#high[i] = bar.high;
    this.#low[i] = bar.low;
    this.#close[i] = bar.close;
    this.#volume[i] = bar.volume;
    this.#length = i + 1;
    this.#view = undefined;
    return i;
  }

  view(): CandleSeries {
    if (this.#view) return this.#view;
    const n = this.#length;
    this.#view = {
      symbol: this.symbol,
      timeframe: this.timeframe,
      time: this.#time.subarray(0, n),
      open: this.#open.subarray(0, n),
      high: this.#high.subarray(0, n),
      low: this.#low.subarray(0, n),
      close: this.#close.subarray(0, n),
      volume: this.#volume.subarray(0, n),
      length: n,
    };
    return this.#view;
  }

  #grow(): void {
    const grow = (a: Float64Array): Float64Array => {
      const next = new Float64Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.#time = grow(this.#time);
    this.#open = grow(this.#open);
    this.#high = grow(this.#high);
    this.#low = grow(this.#low);
    this.#close = grow(this.#close);
    this.#volume = grow(this.#volume);
  }
}
