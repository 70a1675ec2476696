import { TALIB_EPSILON } from "../../../indicators/talib-conventions.js";
import type { BatchColumns } from "../../../strategy/columns.js";
import { indicatorKey, resolveIndicatorParams } from "../../../strategy/indicator-catalog.js";
import type { IndicatorDeclaration } from "../../../strategy/spec/schema.js";

/**
 * Indicator columns for screening, built from parts that many parameter sets share. A search varies every
 * parameter, so a population reads hundreds of Bollinger widths and MACD signal periods; each used to be a full
 * computation (profiled: a fifth of the screening time). A Bollinger band is middle ± width × σ, and σ depends only
 * on the period; a MACD's fast and slow EMAs depend only on (fast, slow). The parts are computed once and each
 * column is finished with the very same arithmetic as src/indicators (bbands.ts, macd.ts), so the values are
 * bit-for-bit those of BatchColumns (tested). Everything else, and anything on another timeframe, is BatchColumns'.
 */
export class SharedIndicatorParts {
  readonly #columns: BatchColumns;
  readonly #parts = new Map<string, Float64Array[]>();
  /** Finished columns, least recently used first; bounded so a long search does not grow without end. */
  readonly #finished = new Map<string, Float64Array>();
  readonly #maxFinished: number;

  constructor(columns: BatchColumns, length: number, maxBytes = 128 * 1024 * 1024) {
    this.#columns = columns;
    this.#maxFinished = Math.max(16, Math.floor(maxBytes / (8 * Math.max(1, length))));
  }

  indicator(declaration: IndicatorDeclaration, output: string | undefined): Float64Array {
    const shared =
      declaration.timeframe === undefined &&
      ((declaration.type === "bbands" && output !== undefined && output !== "middle") ||
        (declaration.type === "macd" && output !== undefined && output !== "macd"));
    if (!shared) return this.#columns.indicator(declaration, output).values;
    const key = `${indicatorKey(declaration)}.${output}`;
    const cached = this.#finished.get(key);
    if (cached) {
      this.#finished.delete(key);
      this.#finished.set(key, cached);
      return cached;
    }
    const real = this.#columns.price(declaration.source ?? "close").values;
    const p = resolveIndicatorParams(declaration);
    const values =
      declaration.type === "bbands"
        ? this.#band(real, declaration.source ?? "close", p, output === "upper")
        : this.#macd(real, declaration.source ?? "close", p, output === "signal");
    if (this.#finished.size >= this.#maxFinished) {
      const oldest = this.#finished.keys().next().value;
      if (oldest !== undefined) this.#finished.delete(oldest);
    }
    this.#finished.set(key, values);
    return values;
  }

  #band(real: Float64Array, source: string, p: Record<string, number>, upper: boolean): Float64Array {
    const period = p.period as number;
    const width = (upper ? p.nbdevup : p.nbdevdn) as number;
    const partKey = `bb(${source};${period})`;
    let parts = this.#parts.get(partKey);
    if (!parts) this.#parts.set(partKey, (parts = bollingerParts(real, period)));
    const [mean, deviation] = parts as [Float64Array, Float64Array];
    const out = new Float64Array(mean.length);
    // bbands.ts: upper = mean + deviation × nbdevup, lower = mean − deviation × nbdevdn (NaN stays NaN in warm-up).
    if (upper) for (let i = 0; i < out.length; i++) out[i] = (mean[i] as number) + (deviation[i] as number) * width;
    else for (let i = 0; i < out.length; i++) out[i] = (mean[i] as number) - (deviation[i] as number) * width;
    return out;
  }

  #macd(real: Float64Array, source: string, p: Record<string, number>, signalOut: boolean): Float64Array {
    let fastPeriod = p.fastPeriod as number;
    let slowPeriod = p.slowPeriod as number;
    if (slowPeriod < fastPeriod) [fastPeriod, slowPeriod] = [slowPeriod, fastPeriod];
    const partKey = `macd(${source};${fastPeriod},${slowPeriod})`;
    let parts = this.#parts.get(partKey);
    if (!parts) this.#parts.set(partKey, (parts = [macdDifference(real, fastPeriod, slowPeriod)]));
    return macdFinish(parts[0] as Float64Array, slowPeriod, p.signalPeriod as number, signalOut);
  }
}

/** bbands.ts' running mean and σ of each window (NaN before period − 1), summed in its order. */
export function bollingerParts(input: Float64Array, period: number): Float64Array[] {
  const length = input.length;
  const mean = new Float64Array(length).fill(Number.NaN);
  const deviation = new Float64Array(length).fill(Number.NaN);
  if (length < period) return [mean, deviation];
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < period - 1; i++) {
    const value = input[i] as number;
    sum += value;
    sumOfSquares += value * value;
  }
  for (let i = period - 1; i < length; i++) {
    const value = input[i] as number;
    const windowSum = sum + value;
    const old = input[i - period + 1] as number;
    sum = windowSum - old;
    const m = windowSum / period;
    sumOfSquares += value * value;
    const variance = sumOfSquares / period - m * m;
    sumOfSquares -= old * old;
    mean[i] = m;
    deviation[i] = variance < TALIB_EPSILON ? 0 : Math.sqrt(variance);
  }
  return [mean, deviation];
}

/** macd.ts' EMA(fast) − EMA(slow) from index slowPeriod − 1 (both seeded there, TA-Lib's late fast start); NaN before. */
export function macdDifference(input: Float64Array, fastPeriod: number, slowPeriod: number): Float64Array {
  const length = input.length;
  const out = new Float64Array(length).fill(Number.NaN);
  if (length < slowPeriod) return out;
  const fastK = 2 / (fastPeriod + 1);
  const slowK = 2 / (slowPeriod + 1);
  let slowSum = 0;
  for (let i = 0; i < slowPeriod; i++) slowSum += input[i] as number;
  let fastSum = 0;
  for (let i = slowPeriod - fastPeriod; i < slowPeriod; i++) fastSum += input[i] as number;
  let slow = slowSum / slowPeriod;
  let fast = fastSum / fastPeriod;
  out[slowPeriod - 1] = fast - slow;
  for (let i = slowPeriod; i < length; i++) {
    const value = input[i] as number;
    fast = (value - fast) * fastK + fast;
    slow = (value - slow) * slowK + slow;
    out[i] = fast - slow;
  }
  return out;
}

/** macd.ts' signal or histogram from the difference: signal seeded with the mean of the first signalPeriod values. */
export function macdFinish(
  difference: Float64Array,
  slowPeriod: number,
  signalPeriod: number,
  signalOut: boolean,
): Float64Array {
  const length = difference.length;
  const first = slowPeriod + signalPeriod - 2;
  const out = new Float64Array(length).fill(Number.NaN);
  if (length <= first) return out;
  let signalSum = 0;
  for (let i = slowPeriod - 1; i <= first; i++) signalSum += difference[i] as number;
  let average = signalSum / signalPeriod;
  const signalK = 2 / (signalPeriod + 1);
  const d0 = difference[first] as number;
  out[first] = signalOut ? average : d0 - average;
  for (let i = first + 1; i < length; i++) {
    const d = difference[i] as number;
    average = (d - average) * signalK + average;
    out[i] = signalOut ? average : d - average;
  }
  return out;
}
