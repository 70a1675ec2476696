/**
 * Money Flow Index (TA-Lib MFI): a volume-weighted RSI. Each bar's money flow is typical price × volume, counted
 * as positive when the typical price (high + low + close) / 3 rose from the previous bar, negative when it fell;
 * MFI = 100 × positive / (positive + negative) over the last `period` flows, 0..100.
 * NaN before index `period` (the first bar has no flow). TA-Lib quirk kept: when the window's total money flow is
 * below 1 (e.g. zero volume), the output is 0. Same order of operations as TA-Lib, so bit-identical to it.
 * https://ta-lib.github.io/ta-lib-c/ (function MFI)
 */
import { assertSameLength, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type BarInput, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

function mfiOf(positive: number, negative: number): number {
  const total = positive + negative;
  return total < 1 ? 0 : 100 * (positive / total);
}

/** Money Flow Index over `period` flows (period >= 2, TA-Lib's range). NaN before index `period`. */
export function mfi(high: Numbers, low: Numbers, close: Numbers, volume: Numbers, period = 14): Float64Array {
  assertPeriod("mfi", period, 2);
  assertSameLength("mfi", "low", low.length, high.length);
  assertSameLength("mfi", "close", close.length, high.length);
  assertSameLength("mfi", "volume", volume.length, high.length);
  const highs = toFloat64(high);
  const lows = toFloat64(low);
  const closes = toFloat64(close);
  const volumes = toFloat64(volume);
  const length = highs.length;
  const out = warmupArray(length, period);
  if (length <= period) return out;
  const positiveFlows = new Float64Array(period);
  const negativeFlows = new Float64Array(period);
  let positive = 0;
  let negative = 0;
  let slot = 0;
  let previous = (highs[0]! + lows[0]! + closes[0]!) / 3;
  for (let i = 1; i < length; i++) {
    if (i > period) {
      positive -= positiveFlows[slot]!;
      negative -= negativeFlows[slot]!;
    }
    const typical = (highs[i]! + lows[i]! + closes[i]!) / 3;
    const flow = typical * volumes[i]!;
    // Branch-free split (multiplying by 1 or 0 and adding 0 are exact): price direction is a coin flip to the CPU.
    const up = flow * +(typical > previous);
    const down = flow * +(typical < previous);
    previous = typical;
    positiveFlows[slot] = up;
    negativeFlows[slot] = down;
    positive += up;
    negative += down;
    slot = slot + 1 === period ? 0 : slot + 1;
    if (i >= period) out[i] = mfiOf(positive, negative);
  }
  return out;
}

/** Streaming {@link mfi}: `update(bar)` reads high, low, close and volume and returns the MFI at that bar. */
export class MfiStream implements StreamingIndicator<BarInput, number> {
  private readonly positiveFlows: Float64Array;
  private readonly negativeFlows: Float64Array;
  private positive = 0;
  private negative = 0;
  private slot = 0;
  private flows = 0;
  private previous = 0;
  private started = false;

  constructor(readonly period = 14) {
    assertPeriod("MfiStream", period, 2);
    this.positiveFlows = new Float64Array(period);
    this.negativeFlows = new Float64Array(period);
  }

  update(bar: BarInput): number {
    const typical = (bar.high + bar.low + bar.close) / 3;
    if (!this.started) {
      this.started = true;
      this.previous = typical;
      return Number.NaN;
    }
    const slot = this.slot;
    if (this.flows >= this.period) {
      this.positive -= this.positiveFlows[slot]!;
      this.negative -= this.negativeFlows[slot]!;
    } else {
      this.flows++;
    }
    const flow = typical * bar.volume;
    const up = flow * +(typical > this.previous);
    const down = flow * +(typical < this.previous);
    this.previous = typical;
    this.positiveFlows[slot] = up;
    this.negativeFlows[slot] = down;
    this.positive += up;
    this.negative += down;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    return this.flows >= this.period ? mfiOf(this.positive, this.negative) : Number.NaN;
  }

  peek(bar: BarInput): number {
    if (!this.started || this.flows + 1 < this.period) return Number.NaN;
    const typical = (bar.high + bar.low + bar.close) / 3;
    let positive = this.positive;
    let negative = this.negative;
    if (this.flows >= this.period) {
      positive -= this.positiveFlows[this.slot]!;
      negative -= this.negativeFlows[this.slot]!;
    }
    const flow = typical * bar.volume;
    positive += flow * +(typical > this.previous);
    negative += flow * +(typical < this.previous);
    return mfiOf(positive, negative);
  }

  reset(): void {
    this.positive = 0;
    this.negative = 0;
    this.slot = 0;
    this.flows = 0;
    this.previous = 0;
    this.started = false;
  }
}
