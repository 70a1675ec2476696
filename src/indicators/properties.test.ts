/**
 * Properties every indicator of the package index must have, checked with fast-check on random but consistent
 * OHLCV series (positive prices, high >= max(open, close), low <= min(open, close), volume >= 0, flat stretches
 * and zero volumes included):
 * (a) batch equals streaming bar by bar; (b) no look-ahead: changing bars after index i never changes outputs at
 * indices <= i; (c) peek(x) then update(y) equals update(y) alone, and peek(y) equals the update(y) that follows.
 * Table-driven: adding an indicator is one line in `entries`. A last test fails if an export has no entry.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as indicators from "./index.js";
import type { BarInput, StreamingIndicator } from "./types.js";

/** A generated OHLCV series (time in Unix ms). */
interface Series {
  time: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** A stream seen through one adapter: bars in, outputs in the entry's batch order out. */
interface BarStream {
  readonly source: string;
  update(bar: BarInput): number[];
  peek(bar: BarInput): number[];
}

interface Entry {
  name: string;
  /** Random valid parameters. */
  params: fc.Arbitrary<number[]>;
  batch: (series: Series, params: number[]) => Float64Array[];
  /** The matching stream, if the indicator has one. */
  stream?: (params: number[]) => BarStream;
}

const RUNS = 100;
const SEED = 20_261_121;
const HOUR = 3_600_000;

const period = (min: number, max = 30): fc.Arbitrary<number[]> => fc.tuple(fc.integer({ min, max }));
const noParams: fc.Arbitrary<number[]> = fc.constant([]);
const deviation = fc.double({ min: 0.1, max: 4, noNaN: true });

function closeStream(stream: StreamingIndicator<number, number>): BarStream {
  return {
    source: stream.constructor.name,
    update: (bar) => [stream.update(bar.close)],
    peek: (bar) => [stream.peek(bar.close)],
  };
}

function closeValueStream<V>(stream: StreamingIndicator<number, V>, pick: (value: V) => number[]): BarStream {
  return {
    source: stream.constructor.name,
    update: (bar) => pick(stream.update(bar.close)),
    peek: (bar) => pick(stream.peek(bar.close)),
  };
}

function volumeStream(stream: StreamingIndicator<number, number>): BarStream {
  return {
    source: stream.constructor.name,
    update: (bar) => [stream.update(bar.volume)],
    peek: (bar) => [stream.peek(bar.volume)],
  };
}

function barStream<V>(stream: StreamingIndicator<BarInput, V>, pick: (value: V) => number[]): BarStream {
  return {
    source: stream.constructor.name,
    update: (bar) => pick(stream.update(bar)),
    peek: (bar) => pick(stream.peek(bar)),
  };
}

const single = (value: number): number[] => [value];

const entries: Entry[] = [
  // Group A: averages, volatility, momentum, trend strength.
  {
    name: "sma",
    params: period(2),
    batch: (s, [p]) => [indicators.sma(s.close, p)],
    stream: ([p]) => closeStream(new indicators.SmaStream(p)),
  },
  {
    name: "ema",
    params: period(2),
    batch: (s, [p]) => [indicators.ema(s.close, p)],
    stream: ([p]) => closeStream(new indicators.EmaStream(p)),
  },
  {
    name: "wma",
    params: period(2),
    batch: (s, [p]) => [indicators.wma(s.close, p)],
    stream: ([p]) => closeStream(new indicators.WmaStream(p)),
  },
  {
    name: "stddev",
    params: fc.tuple(fc.integer({ min: 2, max: 30 }), deviation),
    batch: (s, [p, k]) => [indicators.stddev(s.close, p, k)],
    stream: ([p, k]) => closeStream(new indicators.StddevStream(p, k)),
  },
  {
    name: "bbands",
    params: fc.tuple(fc.integer({ min: 2, max: 30 }), deviation, deviation),
    batch: (s, [p, up, down]) => {
      const { upper, middle, lower } = indicators.bbands(s.close, p, up, down);
      return [upper, middle, lower];
    },
    stream: ([p, up, down]) =>
      closeValueStream(new indicators.BbandsStream(p, up, down), (v) => [v.upper, v.middle, v.lower]),
  },
  {
    name: "rsi",
    params: period(2),
    batch: (s, [p]) => [indicators.rsi(s.close, p)],
    stream: ([p]) => closeStream(new indicators.RsiStream(p)),
  },
  {
    name: "macd",
    params: fc.tuple(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 12 })),
    batch: (s, [fast, slow, signal]) => {
      const { macd, signal: line, histogram } = indicators.macd(s.close, fast, slow, signal);
      return [macd, line, histogram];
    },
    stream: ([fast, slow, signal]) =>
      closeValueStream(new indicators.MacdStream(fast, slow, signal), (v) => [v.macd, v.signal, v.histogram]),
  },
  {
    name: "trange",
    params: noParams,
    batch: (s) => [indicators.trange(s.high, s.low, s.close)],
    stream: () => barStream(new indicators.TrangeStream(), single),
  },
  {
    name: "atr",
    params: period(1),
    batch: (s, [p]) => [indicators.atr(s.high, s.low, s.close, p)],
    stream: ([p]) => barStream(new indicators.AtrStream(p), single),
  },
  { name: "plusDm", params: period(1), batch: (s, [p]) => [indicators.plusDm(s.high, s.low, p)] },
  { name: "minusDm", params: period(1), batch: (s, [p]) => [indicators.minusDm(s.high, s.low, p)] },
  {
    name: "plusDi",
    params: period(2),
    batch: (s, [p]) => [indicators.plusDi(s.high, s.low, s.close, p)],
    stream: ([p]) => barStream(new indicators.AdxStream(p), (v) => [v.plusDi]),
  },
  {
    name: "minusDi",
    params: period(2),
    batch: (s, [p]) => [indicators.minusDi(s.high, s.low, s.close, p)],
    stream: ([p]) => barStream(new indicators.AdxStream(p), (v) => [v.minusDi]),
  },
  { name: "dx", params: period(2), batch: (s, [p]) => [indicators.dx(s.high, s.low, s.close, p)] },
  {
    name: "adx",
    params: period(2),
    batch: (s, [p]) => [indicators.adx(s.high, s.low, s.close, p)],
    stream: ([p]) => barStream(new indicators.AdxStream(p), (v) => [v.adx]),
  },
  // Risk inputs.
  {
    name: "logReturnVolatility",
    params: period(2),
    batch: (s, [p]) => [indicators.logReturnVolatility(s.close, p)],
    stream: ([p]) => closeStream(new indicators.LogReturnVolatilityStream(p)),
  },
  // Group B: oscillators, volume, channels.
  {
    name: "stoch",
    params: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
    batch: (s, [k, slowK, slowD]) => {
      const result = indicators.stoch(s.high, s.low, s.close, k, slowK, slowD);
      return [result.k, result.d];
    },
    stream: ([k, slowK, slowD]) => barStream(new indicators.StochStream(k, slowK, slowD), (v) => [v.k, v.d]),
  },
  {
    name: "cci",
    params: period(2),
    batch: (s, [p]) => [indicators.cci(s.high, s.low, s.close, p)],
    stream: ([p]) => barStream(new indicators.CciStream(p), single),
  },
  {
    name: "roc",
    params: period(1),
    batch: (s, [p]) => [indicators.roc(s.close, p)],
    stream: ([p]) => closeStream(new indicators.RocStream(p)),
  },
  {
    name: "mom",
    params: period(1),
    batch: (s, [p]) => [indicators.mom(s.close, p)],
    stream: ([p]) => closeStream(new indicators.MomStream(p)),
  },
  {
    name: "obv",
    params: noParams,
    batch: (s) => [indicators.obv(s.close, s.volume)],
    stream: () => barStream(new indicators.ObvStream(), single),
  },
  {
    name: "mfi",
    params: period(2),
    batch: (s, [p]) => [indicators.mfi(s.high, s.low, s.close, s.volume, p)],
    stream: ([p]) => barStream(new indicators.MfiStream(p), single),
  },
  {
    name: "willr",
    params: period(2),
    batch: (s, [p]) => [indicators.willr(s.high, s.low, s.close, p)],
    stream: ([p]) => barStream(new indicators.WillrStream(p), single),
  },
  {
    name: "vwap",
    params: period(1),
    batch: (s, [p]) => [indicators.vwap(s.high, s.low, s.close, s.volume, p)],
    stream: ([p]) => barStream(new indicators.VwapStream(p), single),
  },
  {
    name: "sessionVwap",
    params: fc.tuple(fc.constantFrom(86_400_000, 4 * HOUR, 7 * HOUR)),
    batch: (s, [ms]) => [indicators.sessionVwap(s.time, s.high, s.low, s.close, s.volume, ms)],
    stream: ([ms]) => barStream(new indicators.SessionVwapStream(ms), single),
  },
  {
    name: "volumeRatio",
    params: period(1),
    batch: (s, [p]) => [indicators.volumeRatio(s.volume, p)],
    stream: ([p]) => volumeStream(new indicators.VolumeRatioStream(p)),
  },
  {
    name: "donchian",
    params: period(1),
    batch: (s, [p]) => {
      const { upper, middle, lower } = indicators.donchian(s.high, s.low, p);
      return [upper, middle, lower];
    },
    stream: ([p]) => barStream(new indicators.DonchianStream(p), (v) => [v.upper, v.middle, v.lower]),
  },
  {
    name: "max",
    params: period(2),
    batch: (s, [p]) => [indicators.max(s.close, p)],
    stream: ([p]) => closeStream(new indicators.MaxStream(p)),
  },
  {
    name: "min",
    params: period(2),
    batch: (s, [p]) => [indicators.min(s.close, p)],
    stream: ([p]) => closeStream(new indicators.MinStream(p)),
  },
];

/** One generated bar step: return, wicks, volume; a zero return or volume now and then gives ties and gaps. */
const stepArbitrary = fc.record({
  move: fc.oneof(fc.constant(0), fc.double({ min: -0.08, max: 0.08, noNaN: true })),
  upper: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.04, noNaN: true })),
  lower: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.04, noNaN: true })),
  volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
  hours: fc.integer({ min: 1, max: 9 }),
});

type Step = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

const stepsArbitrary = fc.array(stepArbitrary, { minLength: 1, maxLength: 90 });

/** Builds a consistent series: each open is the previous close; high/low wrap open and close. */
function buildSeries(steps: readonly Step[], start = 100): Series {
  const n = steps.length;
  const series: Series = {
    time: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let open = start;
  let time = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    const step = steps[i]!;
    const close = open * (1 + step.move);
    series.time[i] = time;
    series.close[i] = close;
    series.high[i] = Math.max(open, close) * (1 + step.upper);
    series.low[i] = Math.min(open, close) * (1 - step.lower);
    series.volume[i] = step.volume;
    open = close;
    time += step.hours * HOUR;
  }
  return series;
}

function barOf(series: Series, i: number): BarInput {
  return {
    time: series.time[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
  };
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || a === b;
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

function fail(message: string): never {
  throw new Error(message);
}

describe("indicator properties (fast-check)", () => {
  for (const entry of entries) {
    describe(entry.name, () => {
      it.skipIf(entry.stream === undefined)("(a) batch equals streaming bar by bar", () => {
        fc.assert(
          fc.property(stepsArbitrary, entry.params, (steps, params) => {
            const series = buildSeries(steps);
            const batch = entry.batch(series, params);
            const stream = entry.stream!(params);
            for (let i = 0; i < series.close.length; i++) {
              const values = stream.update(barOf(series, i));
              batch.forEach((output, k) => {
                if (!close(values[k]!, output[i]!)) {
                  fail(`${entry.name}(${params}) output ${k} at bar ${i}: stream ${values[k]}, batch ${output[i]}`);
                }
              });
            }
          }),
          { numRuns: RUNS, seed: SEED },
        );
      });

      it("(b) has no look-ahead: bars after index i never change outputs at indices <= i", () => {
        fc.assert(
          fc.property(stepsArbitrary, stepsArbitrary, entry.params, fc.nat(), (steps, tail, params, cut) => {
            const i = cut % steps.length;
            const original = buildSeries(steps);
            const changed = buildSeries([...steps.slice(0, i + 1), ...tail]);
            const before = entry.batch(original, params);
            const after = entry.batch(changed, params);
            before.forEach((output, k) => {
              for (let j = 0; j <= i; j++) {
                if (!same(output[j]!, after[k]![j]!)) {
                  fail(`${entry.name}(${params}) output ${k} at ${j} changed with bars after ${i}`);
                }
              }
            });
          }),
          { numRuns: RUNS, seed: SEED },
        );
      });

      it.skipIf(entry.stream === undefined)("(c) peek never changes state and equals the update that follows", () => {
        fc.assert(
          fc.property(stepsArbitrary, stepsArbitrary, entry.params, (steps, probes, params) => {
            const series = buildSeries(steps);
            const probe = buildSeries(probes, 90);
            const peeked = entry.stream!(params);
            const plain = entry.stream!(params);
            for (let i = 0; i < series.close.length; i++) {
              const bar = barOf(series, i);
              // Every other probe falls in the next day, so session VWAP peeks both within and across sessions.
              const other = { ...barOf(probe, i % probe.close.length), time: series.time[i]! + (i % 2) * 86_400_000 };
              peeked.peek(other);
              const preview = peeked.peek(bar);
              const a = peeked.update(bar);
              const b = plain.update(bar);
              a.forEach((value, k) => {
                if (!same(value, b[k]!))
                  fail(`${entry.name}(${params}) bar ${i}: ${value} after peek, ${b[k]} without`);
                if (!close(preview[k]!, value))
                  fail(`${entry.name}(${params}) bar ${i}: peek ${preview[k]}, update ${value}`);
              });
            }
          }),
          { numRuns: RUNS, seed: SEED },
        );
      });
    });
  }

  it("covers every indicator function and stream class exported by the package index", () => {
    const helpers = new Set(["toFloat64", "nanArray", "assertPeriod"]);
    const exported = Object.entries(indicators).filter(([, value]) => typeof value === "function");
    const functions = exported.map(([name]) => name).filter((name) => /^[a-z]/.test(name) && !helpers.has(name));
    const streams = exported.map(([name]) => name).filter((name) => name.endsWith("Stream"));
    const named = new Set(entries.map((entry) => entry.name));
    const sample = fc.sample(fc.tuple(...entries.map((entry) => entry.params)), { numRuns: 1, seed: SEED })[0]!;
    const used = new Set(
      entries.flatMap((entry, k) => (entry.stream === undefined ? [] : [entry.stream(sample[k]!).source])),
    );
    expect(functions.filter((name) => !named.has(name))).toEqual([]);
    expect(streams.filter((name) => !used.has(name))).toEqual([]);
  });
});
