/**
 * Stochastic oscillator, slow form (TA-Lib STOCH with simple-moving-average smoothing, MA type 0).
 *
 * fast %K = 100 * (close - lowest low) / (highest high - lowest low) over `fastKPeriod` bars (0 when the range is 0),
 * %K = SMA(fast %K, slowKPeriod), %D = SMA(%K, slowDPeriod). Both lines start at index
 * (fastKPeriod - 1) + (slowKPeriod - 1) + (slowDPeriod - 1), as in TA-Lib, and read 0..100: high when the close
 * sits near the top of its recent range. The smoothing follows TA-Lib's order of operations; fast %K takes one
 * division where TA-Lib has two (close-in-range.ts), so results equal TA-Lib within a few ulps, and StochStream
 * gives the batch values exactly. https://ta-lib.github.io/ta-lib-c/ (function STOCH)
 */
import { closeInRangeInto, fastKOf } from "./close-in-range.js";
import { RunningMean } from "./running-mean.js";
import { chunkEnd, type HighLowClose, hlcArrays, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator } from "./types.js";
import { WindowMax, WindowMin } from "./window-extremes.js";

/** One stochastic value: `k` the smoothed %K line, `d` its signal line. */
export interface StochValue {
  k: number;
  d: number;
}

/** Stochastic lines, each the input's length. */
export interface StochResult {
  k: Float64Array;
  d: Float64Array;
}

function assertStochPeriods(name: string, fastKPeriod: number, slowKPeriod: number, slowDPeriod: number): void {
  assertPeriod(`${name} fastKPeriod`, fastKPeriod, 1);
  assertPeriod(`${name} slowKPeriod`, slowKPeriod, 1);
  assertPeriod(`${name} slowDPeriod`, slowDPeriod, 1);
}

/** Slow stochastic (TA-Lib STOCH, SMA smoothing). NaN before index fastK-1 + slowK-1 + slowD-1. */
export function stoch(
  high: Numbers,
  low: Numbers,
  close: Numbers,
  fastKPeriod = 5,
  slowKPeriod = 3,
  slowDPeriod = 3,
): StochResult {
  assertStochPeriods("stoch", fastKPeriod, slowKPeriod, slowDPeriod);
  const [highs, lows, closes] = hlcArrays("stoch", high, low, close);
  const length = highs.length;
  const first = fastKPeriod - 1 + slowKPeriod - 1 + slowDPeriod - 1;
  const k = warmupArray(length, first);
  const d = warmupArray(length, first);
  if (length <= first) return { k, d };
  // k holds fast %K until each index is overwritten with its own output.
  closeInRangeInto(highs, lows, closes, fastKPeriod, false, k);
  const smoothing: Smoothing = {
    kWindow: new Float64Array(slowKPeriod),
    dWindow: new Float64Array(slowDPeriod),
    kPosition: 0,
    dPosition: 0,
    kTotal: 0,
    dTotal: 0,
  };
  for (let from = fastKPeriod - 1, end = from; from < length; from = end) {
    end = chunkEnd(fastKPeriod - 1, from, length);
    smoothChunk(k, d, first, smoothing, from, end);
  }
  return { k, d };
}

/** Two running means, %K of fast %K and %D of %K, carried from chunk to chunk. */
interface Smoothing {
  kWindow: Float64Array;
  dWindow: Float64Array;
  kPosition: number;
  dPosition: number;
  kTotal: number;
  dTotal: number;
}

/**
 * Replaces fast %K in k[from .. to − 1] by %K (NaN before index `first`) and writes %D: RunningMean's arithmetic
 * (TA-Lib's), inlined, so the stream agrees bit for bit.
 */
function smoothChunk(
  k: Float64Array,
  d: Float64Array,
  first: number,
  state: Smoothing,
  from: number,
  to: number,
): void {
  const { kWindow, dWindow } = state;
  const slowKPeriod = kWindow.length;
  const slowDPeriod = dWindow.length;
  // Fast %K starts at index first − (slowKPeriod − 1) − (slowDPeriod − 1); %K at first − (slowDPeriod − 1).
  const kSeed = first - (slowDPeriod - 1);
  let { kPosition, dPosition, kTotal, dTotal } = state;
  for (let i = from; i < to; i++) {
    const fastK = k[i]!;
    kWindow[kPosition] = fastK;
    kPosition = kPosition + 1 === slowKPeriod ? 0 : kPosition + 1;
    if (i < kSeed) {
      kTotal += fastK;
      k[i] = Number.NaN;
      continue;
    }
    const kSum = kTotal + fastK;
    kTotal = kSum - kWindow[kPosition]!;
    const slowK = kSum / slowKPeriod;
    dWindow[dPosition] = slowK;
    dPosition = dPosition + 1 === slowDPeriod ? 0 : dPosition + 1;
    if (i < first) {
      dTotal += slowK;
      k[i] = Number.NaN;
      continue;
    }
    const dSum = dTotal + slowK;
    dTotal = dSum - dWindow[dPosition]!;
    k[i] = slowK;
    d[i] = dSum / slowDPeriod;
  }
  Object.assign(state, { kPosition, dPosition, kTotal, dTotal });
}

/** Streaming {@link stoch}: `update(bar)` reads high, low and close and returns `{ k, d }` at that bar. */
export class StochStream implements StreamingIndicator<HighLowClose, StochValue> {
  private readonly highest: WindowMax;
  private readonly lowest: WindowMin;
  private readonly slowK: RunningMean;
  private readonly slowD: RunningMean;

  constructor(
    readonly fastKPeriod = 5,
    readonly slowKPeriod = 3,
    readonly slowDPeriod = 3,
  ) {
    assertStochPeriods("StochStream", fastKPeriod, slowKPeriod, slowDPeriod);
    this.highest = new WindowMax(fastKPeriod);
    this.lowest = new WindowMin(fastKPeriod);
    this.slowK = new RunningMean(slowKPeriod);
    this.slowD = new RunningMean(slowDPeriod);
  }

  update(bar: HighLowClose): StochValue {
    const highest = this.highest.update(bar.high);
    const lowest = this.lowest.update(bar.low);
    if (Number.isNaN(highest)) return { k: Number.NaN, d: Number.NaN };
    const k = this.slowK.update(fastKOf(bar.close, highest, lowest));
    if (Number.isNaN(k)) return { k: Number.NaN, d: Number.NaN };
    const d = this.slowD.update(k);
    return Number.isNaN(d) ? { k: Number.NaN, d: Number.NaN } : { k, d };
  }

  peek(bar: HighLowClose): StochValue {
    const highest = this.highest.peek(bar.high);
    const lowest = this.lowest.peek(bar.low);
    if (Number.isNaN(highest)) return { k: Number.NaN, d: Number.NaN };
    const k = this.slowK.peek(fastKOf(bar.close, highest, lowest));
    if (Number.isNaN(k)) return { k: Number.NaN, d: Number.NaN };
    const d = this.slowD.peek(k);
    return Number.isNaN(d) ? { k: Number.NaN, d: Number.NaN } : { k, d };
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
    this.slowK.reset();
    this.slowD.reset();
  }
}
