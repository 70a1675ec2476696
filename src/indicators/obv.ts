/**
 * On-balance volume (TA-Lib OBV): a running total that adds the bar's volume when the close rises, subtracts it
 * when the close falls and keeps it when unchanged. Starts at volume[0] (TA-Lib's convention), so there is no
 * warm-up. Only its direction and divergences from price mean anything; the level depends on the start bar.
 * https://ta-lib.github.io/ta-lib-c/ (function OBV)
 */
import { type BarInput, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/** On-balance volume; output i is the running total up to bar i, starting at volume[0]. */
export function obv(close: Numbers, volume: Numbers): Float64Array {
  if (volume.length !== close.length) {
    throw new RangeError(`obv: volume has ${volume.length} values but close has ${close.length}`);
  }
  const closes = toFloat64(close);
  const volumes = toFloat64(volume);
  const length = closes.length;
  const out = new Float64Array(length);
  if (length === 0) return out;
  let total = volumes[0]!;
  let previous = closes[0]!;
  out[0] = total;
  for (let i = 1; i < length; i++) {
    const value = closes[i]!;
    // Branch-free: the direction of the close is a coin flip to the CPU. Adding ±volume or 0 is exact.
    total += volumes[i]! * (+(value > previous) - +(value < previous));
    out[i] = total;
    previous = value;
  }
  return out;
}

/** Streaming {@link obv}: `update(bar)` reads close and volume and returns the running total at that bar. */
export class ObvStream implements StreamingIndicator<Pick<BarInput, "close" | "volume">, number> {
  private total = 0;
  private previous = Number.NaN;
  private started = false;

  update(bar: Pick<BarInput, "close" | "volume">): number {
    this.total = this.peek(bar);
    this.previous = bar.close;
    this.started = true;
    return this.total;
  }

  peek(bar: Pick<BarInput, "close" | "volume">): number {
    if (!this.started) return bar.volume;
    if (bar.close > this.previous) return this.total + bar.volume;
    if (bar.close < this.previous) return this.total - bar.volume;
    return this.total;
  }

  reset(): void {
    this.total = 0;
    this.previous = Number.NaN;
    this.started = false;
  }
}
