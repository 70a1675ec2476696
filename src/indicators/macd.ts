import { ExponentialAverage } from "./ema-core.js";
import { CHUNK_LENGTH, warmupArray } from "./talib-conventions.js";
import { assertPeriod, type Numbers, type StreamingIndicator, toFloat64 } from "./types.js";

/** MACD arrays, each of the input's length (NaN before index slowPeriod + signalPeriod - 2). */
export interface MacdResult {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/** MACD at one bar (all NaN during warm-up). */
export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/**
 * Moving average convergence/divergence (TA-Lib MACD): macd = EMA(fast) - EMA(slow), signal = EMA(signal) of macd,
 * histogram = macd - signal. TA-Lib quirks reproduced: both EMAs start at index slowPeriod - 1, so the fast EMA is
 * seeded with the SMA of the `fastPeriod` values ending there (not from index 0); the signal EMA is seeded with the
 * SMA of the first `signalPeriod` macd values; all three outputs start at index slowPeriod + signalPeriod - 2
 * (33 for 12/26/9). If slowPeriod < fastPeriod they are swapped, as TA-Lib does.
 * fast/slow must be >= 2, signal >= 1. A NaN input makes that output and every later one NaN.
 * https://ta-lib.github.io/ta-lib-c/ (function MACD)
 */
export function macd(real: Numbers, fastPeriod = 12, slowPeriod = 26, signalPeriod = 9): MacdResult {
  assertPeriod("macd fastPeriod", fastPeriod, 2);
  assertPeriod("macd slowPeriod", slowPeriod, 2);
  assertPeriod("macd signalPeriod", signalPeriod, 1);
  if (slowPeriod < fastPeriod) [fastPeriod, slowPeriod] = [slowPeriod, fastPeriod];
  const input = toFloat64(real);
  const length = input.length;
  const first = slowPeriod + signalPeriod - 2;
  const line = warmupArray(length, first);
  const signal = warmupArray(length, first);
  const histogram = warmupArray(length, first);
  if (length <= first) return { macd: line, signal, histogram };
  const fastK = 2 / (fastPeriod + 1);
  const slowK = 2 / (slowPeriod + 1);
  const signalK = 2 / (signalPeriod + 1);
  // Seeds summed in TA-Lib's order: slow over 0..slow-1, fast over slow-fast..slow-1 (its late start).
  let slowSum = 0;
  for (let i = 0; i < slowPeriod; i++) slowSum += input[i]!;
  let fastSum = 0;
  for (let i = slowPeriod - fastPeriod; i < slowPeriod; i++) fastSum += input[i]!;
  let slow = slowSum / slowPeriod;
  let fast = fastSum / fastPeriod;
  let signalSum = fast - slow;
  for (let i = slowPeriod; i <= first; i++) {
    const value = input[i]!;
    fast = (value - fast) * fastK + fast;
    slow = (value - slow) * slowK + slow;
    signalSum += fast - slow;
  }
  const average = signalSum / signalPeriod;
  const difference = fast - slow;
  line[first] = difference;
  signal[first] = average;
  histogram[first] = difference - average;
  const result = { macd: line, signal, histogram };
  const state = Float64Array.of(fast, slow, average);
  const factors = Float64Array.of(fastK, slowK, signalK);
  for (let from = first + 1; from < length; from += CHUNK_LENGTH) {
    macdChunk(input, result, factors, state, from, Math.min(length, from + CHUNK_LENGTH));
  }
  return result;
}

/** Writes [from, to) of the three series; `state` holds [fast EMA, slow EMA, signal] at from - 1, updated in place. */
function macdChunk(
  input: Float64Array,
  result: MacdResult,
  factors: Float64Array,
  state: Float64Array,
  from: number,
  to: number,
): void {
  const { macd: line, signal, histogram } = result;
  const fastK = factors[0]!;
  const slowK = factors[1]!;
  const signalK = factors[2]!;
  let fast = state[0]!;
  let slow = state[1]!;
  let average = state[2]!;
  for (let i = from; i < to; i++) {
    const value = input[i]!;
    fast = (value - fast) * fastK + fast;
    slow = (value - slow) * slowK + slow;
    const difference = fast - slow;
    average = (difference - average) * signalK + average;
    line[i] = difference;
    signal[i] = average;
    histogram[i] = difference - average;
  }
  state[0] = fast;
  state[1] = slow;
  state[2] = average;
}

/** Streaming MACD: `update(close)` returns the same values as `macd` at that bar. */
export class MacdStream implements StreamingIndicator<number, MacdValue> {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  private readonly fast: ExponentialAverage;
  private readonly slow: ExponentialAverage;
  private readonly signal: ExponentialAverage;
  private count = 0;

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    assertPeriod("MacdStream fastPeriod", fastPeriod, 2);
    assertPeriod("MacdStream slowPeriod", slowPeriod, 2);
    assertPeriod("MacdStream signalPeriod", signalPeriod, 1);
    if (slowPeriod < fastPeriod) [fastPeriod, slowPeriod] = [slowPeriod, fastPeriod];
    this.fastPeriod = fastPeriod;
    this.slowPeriod = slowPeriod;
    this.signalPeriod = signalPeriod;
    this.fast = new ExponentialAverage(fastPeriod);
    this.slow = new ExponentialAverage(slowPeriod);
    this.signal = new ExponentialAverage(signalPeriod);
  }

  update(value: number): MacdValue {
    const index = this.count++;
    const slow = this.slow.update(value);
    // TA-Lib starts the fast EMA late so that both EMAs produce their first value at index slowPeriod - 1.
    if (index < this.slowPeriod - this.fastPeriod) return warmingUp();
    const fast = this.fast.update(value);
    if (index < this.slowPeriod - 1) return warmingUp();
    const line = fast - slow;
    const signal = this.signal.update(line);
    return index < this.slowPeriod + this.signalPeriod - 2 ? warmingUp() : macdValue(line, signal);
  }

  peek(value: number): MacdValue {
    const index = this.count;
    if (index < this.slowPeriod + this.signalPeriod - 2) return warmingUp();
    const line = this.fast.peek(value) - this.slow.peek(value);
    return macdValue(line, this.signal.peek(line));
  }

  reset(): void {
    this.count = 0;
    this.fast.reset();
    this.slow.reset();
    this.signal.reset();
  }
}

function warmingUp(): MacdValue {
  return { macd: Number.NaN, signal: Number.NaN, histogram: Number.NaN };
}

function macdValue(line: number, signal: number): MacdValue {
  return { macd: line, signal, histogram: line - signal };
}
