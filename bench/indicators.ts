/**
 * Indicator speed: ns per bar for every indicator of src/indicators, ours (batch and streaming) side by side with
 * @ixjb94/indicators, technicalindicators, trading-signals and TA-Lib C through the `talib` binding, on a seeded
 * random-walk OHLCV series. Run through bench/run.ts (`npm run bench` or `npm run bench -- indicators`).
 */

import { createRequire } from "node:module";
import { cpus } from "node:os";
import { IndicatorsSync } from "@ixjb94/indicators";
import * as ts from "trading-signals";
import type { BarInput } from "../src/indicators/index.js";
import * as ours from "../src/indicators/index.js";
import { requireTalib } from "../src/indicators/testing/load-talib.js";
import { consume, gcExposed, medianMs, seededRandom } from "./measure.js";

/** Bars for ours, @ixjb94/indicators and TA-Lib. */
const BARS = 1_000_000;
/** Bars for the two object-heavy libraries, which need seconds for a million bars; ns/bar is reported as measured. */
const SLOW_BARS = 100_000;
const SEED = 42;

interface TalibBinding {
  execute(request: Record<string, unknown>): { begIndex: number; nbElement: number; result: Record<string, number[]> };
}

const require = createRequire(import.meta.url);
const ti = require("technicalindicators") as typeof import("technicalindicators");
// reference/talib, installed by `npm run bench` (scripts/setup-talib.mjs) before the benches start.
const talib = requireTalib<TalibBinding>();
const ixjb = new IndicatorsSync();

/** A columnar OHLCV random walk: log-normal steps, wicks around open/close, volume with bursts. */
interface Columns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

function randomWalk(length: number, seed: number): Columns {
  const random = seededRandom(seed);
  const columns: Columns = {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
  let price = 30_000;
  for (let i = 0; i < length; i++) {
    const open = price;
    const close = open * (1 + (random() - 0.5) * 0.02);
    columns.time[i] = 1_600_000_000_000 + i * 3_600_000;
    columns.open[i] = open;
    columns.close[i] = close;
    columns.high[i] = Math.max(open, close) * (1 + random() * 0.005);
    columns.low[i] = Math.min(open, close) * (1 - random() * 0.005);
    columns.volume[i] = 100 + random() * 1_000 * (random() < 0.05 ? 10 : 1);
    price = close;
  }
  return columns;
}

/** What each library is fed, prepared before timing (their native input forms). */
interface Inputs {
  columns: Columns;
  arrays: { high: number[]; low: number[]; close: number[]; volume: number[] };
  candles: { open: number; high: number; low: number; close: number; volume: number }[];
}

function prepare(length: number, withCandles: boolean): Inputs {
  const columns = randomWalk(length, SEED);
  const candles: Inputs["candles"] = [];
  for (let i = 0; withCandles && i < length; i++) {
    candles.push({
      open: columns.open[i]!,
      high: columns.high[i]!,
      low: columns.low[i]!,
      close: columns.close[i]!,
      volume: columns.volume[i]!,
    });
  }
  return {
    columns,
    candles,
    arrays: {
      high: Array.from(columns.high),
      low: Array.from(columns.low),
      close: Array.from(columns.close),
      volume: Array.from(columns.volume),
    },
  };
}

type Field = "high" | "low" | "close" | "volume";

/**
 * TA-Lib as a user with typed-array columns pays for it: convert the inputs to plain arrays, call, get arrays back.
 * `inputs` maps TA-Lib's input names (inReal, high, low, close, volume) to our columns.
 */
function talibCall(
  columns: Columns,
  name: string,
  inputs: Record<string, Field>,
  options: Record<string, number> = {},
) {
  return () => {
    const request: Record<string, unknown> = { name, startIdx: 0, endIdx: columns.close.length - 1, ...options };
    for (const [input, field] of Object.entries(inputs)) request[input] = Array.from(columns[field]);
    return talib.execute(request);
  };
}

const REAL: Record<string, Field> = { inReal: "close" };
const HL: Record<string, Field> = { high: "high", low: "low" };
const HLC: Record<string, Field> = { ...HL, close: "close" };
const HLCV: Record<string, Field> = { ...HLC, volume: "volume" };

/**
 * Stream loops are written out per row (`for (...) stream.update(...)`) rather than shared: a shared loop's call
 * site would see every stream class, turn megamorphic and penalise whichever streams run later.
 */
function newBar(): BarInput {
  return { time: 0, high: 0, low: 0, close: 0, volume: 0 };
}

/** Loads bar i into the reused `bar` (a live feed hands bars over one at a time; no objects are kept). */
function loadBar(columns: Columns, i: number, bar: BarInput): BarInput {
  bar.time = columns.time[i]!;
  bar.high = columns.high[i]!;
  bar.low = columns.low[i]!;
  bar.close = columns.close[i]!;
  bar.volume = columns.volume[i]!;
  return bar;
}

interface Row {
  name: string;
  ours: () => unknown;
  stream?: () => unknown;
  ixjb?: () => unknown;
  technicalindicators?: () => unknown;
  tradingSignals?: () => unknown;
  talib?: () => unknown;
  /** Footnote keys for differences in what a library computes. */
  notes?: string[];
}

const NOTES: Record<string, string> = {
  a: "technicalindicators' Stochastic is the fast form (no %K slowing); trading-signals' is the slow form like ours.",
  b: "cumulative VWAP over the whole input (no session reset); the nearest they offer.",
  c: "trading-signals RVOL divides by the average of the *previous* 20 volumes (ours includes the current bar).",
  d: "@ixjb94 returns +DM/−DM (and +DI/−DI) from one call; the same call is timed for both rows.",
};

function rows(full: Inputs, slow: Inputs): Row[] {
  const c = full.columns;
  const a = full.arrays;
  const sc = slow.arrays;
  const candles = slow.candles;
  const hlc = { high: sc.high, low: sc.low, close: sc.close };
  const hlcv = { ...hlc, volume: sc.volume };
  return [
    {
      name: "sma(20)",
      ours: () => ours.sma(c.close, 20),
      stream: () => {
        const stream = new ours.SmaStream(20);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.sma(a.close, 20),
      technicalindicators: () => ti.SMA.calculate({ period: 20, values: sc.close }),
      tradingSignals: () => new ts.SMA(20).updates(sc.close),
      talib: talibCall(c, "SMA", REAL, { optInTimePeriod: 20 }),
    },
    {
      name: "ema(20)",
      ours: () => ours.ema(c.close, 20),
      stream: () => {
        const stream = new ours.EmaStream(20);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.ema(a.close, 20),
      technicalindicators: () => ti.EMA.calculate({ period: 20, values: sc.close }),
      tradingSignals: () => new ts.EMA(20).updates(sc.close),
      talib: talibCall(c, "EMA", REAL, { optInTimePeriod: 20 }),
    },
    {
      name: "wma(20)",
      ours: () => ours.wma(c.close, 20),
      stream: () => {
        const stream = new ours.WmaStream(20);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.wma(a.close, 20),
      technicalindicators: () => ti.WMA.calculate({ period: 20, values: sc.close }),
      tradingSignals: () => new ts.WMA(20).updates(sc.close),
      talib: talibCall(c, "WMA", REAL, { optInTimePeriod: 20 }),
    },
    {
      name: "stddev(20)",
      ours: () => ours.stddev(c.close, 20, 1),
      stream: () => {
        const stream = new ours.StddevStream(20, 1);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.stddev(a.close, 20),
      technicalindicators: () => ti.SD.calculate({ period: 20, values: sc.close }),
      talib: talibCall(c, "STDDEV", REAL, { optInTimePeriod: 20, optInNbDev: 1 }),
    },
    {
      name: "bbands(20, 2)",
      ours: () => ours.bbands(c.close, 20, 2, 2),
      stream: () => {
        const stream = new ours.BbandsStream(20, 2, 2);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.bbands(a.close, 20, 2),
      technicalindicators: () => ti.BollingerBands.calculate({ period: 20, values: sc.close, stdDev: 2 }),
      tradingSignals: () => new ts.BollingerBands(20, 2).updates(sc.close),
      talib: talibCall(c, "BBANDS", REAL, {
        optInTimePeriod: 20,
        optInNbDevUp: 2,
        optInNbDevDn: 2,
        optInMAType: 0,
      }),
    },
    {
      name: "rsi(14)",
      ours: () => ours.rsi(c.close, 14),
      stream: () => {
        const stream = new ours.RsiStream(14);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.rsi(a.close, 14),
      technicalindicators: () => ti.RSI.calculate({ period: 14, values: sc.close }),
      tradingSignals: () => new ts.RSI(14).updates(sc.close),
      talib: talibCall(c, "RSI", REAL, { optInTimePeriod: 14 }),
    },
    {
      name: "macd(12, 26, 9)",
      ours: () => ours.macd(c.close, 12, 26, 9),
      stream: () => {
        const stream = new ours.MacdStream(12, 26, 9);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.macd(a.close, 12, 26, 9),
      technicalindicators: () =>
        ti.MACD.calculate({
          values: sc.close,
          fastPeriod: 12,
          slowPeriod: 26,
          signalPeriod: 9,
          SimpleMAOscillator: false,
          SimpleMASignal: false,
        }),
      tradingSignals: () => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)).updates(sc.close),
      talib: talibCall(c, "MACD", REAL, { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }),
    },
    {
      name: "trange",
      ours: () => ours.trange(c.high, c.low, c.close),
      stream: () => {
        const stream = new ours.TrangeStream();
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.tr(a.high, a.low, a.close),
      technicalindicators: () => ti.TrueRange.calculate(hlc),
      tradingSignals: () => new ts.TR().updates(candles),
      talib: talibCall(c, "TRANGE", HLC),
    },
    {
      name: "atr(14)",
      ours: () => ours.atr(c.high, c.low, c.close, 14),
      stream: () => {
        const stream = new ours.AtrStream(14);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.atr(a.high, a.low, a.close, 14),
      technicalindicators: () => ti.ATR.calculate({ ...hlc, period: 14 }),
      tradingSignals: () => new ts.ATR(14).updates(candles),
      talib: talibCall(c, "ATR", HLC, { optInTimePeriod: 14 }),
    },
    {
      name: "plusDm(14)",
      ours: () => ours.plusDm(c.high, c.low, 14),
      ixjb: () => ixjb.dm(a.high, a.low, 14),
      talib: talibCall(c, "PLUS_DM", HL, { optInTimePeriod: 14 }),
      notes: ["d"],
    },
    {
      name: "minusDm(14)",
      ours: () => ours.minusDm(c.high, c.low, 14),
      ixjb: () => ixjb.dm(a.high, a.low, 14),
      talib: talibCall(c, "MINUS_DM", HL, { optInTimePeriod: 14 }),
      notes: ["d"],
    },
    {
      name: "plusDi(14)",
      ours: () => ours.plusDi(c.high, c.low, c.close, 14),
      ixjb: () => ixjb.di(a.high, a.low, a.close, 14),
      talib: talibCall(c, "PLUS_DI", HLC, { optInTimePeriod: 14 }),
      notes: ["d"],
    },
    {
      name: "minusDi(14)",
      ours: () => ours.minusDi(c.high, c.low, c.close, 14),
      ixjb: () => ixjb.di(a.high, a.low, a.close, 14),
      talib: talibCall(c, "MINUS_DI", HLC, { optInTimePeriod: 14 }),
      notes: ["d"],
    },
    {
      name: "dx(14)",
      ours: () => ours.dx(c.high, c.low, c.close, 14),
      ixjb: () => ixjb.dx(a.high, a.low, 14),
      tradingSignals: () => new ts.DX(14).updates(candles),
      talib: talibCall(c, "DX", HLC, { optInTimePeriod: 14 }),
    },
    {
      name: "adx(14)",
      ours: () => ours.adx(c.high, c.low, c.close, 14),
      stream: () => {
        const stream = new ours.AdxStream(14);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.adx(a.high, a.low, 14),
      technicalindicators: () => ti.ADX.calculate({ ...hlc, period: 14 }),
      tradingSignals: () => new ts.ADX(14).updates(candles),
      talib: talibCall(c, "ADX", HLC, { optInTimePeriod: 14 }),
    },
    {
      name: "logReturnVolatility(20)",
      ours: () => ours.logReturnVolatility(c.close, 20),
      stream: () => {
        const stream = new ours.LogReturnVolatilityStream(20);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
    },
    {
      name: "stoch(14, 3, 3)",
      ours: () => ours.stoch(c.high, c.low, c.close, 14, 3, 3),
      stream: () => {
        const stream = new ours.StochStream(14, 3, 3);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.stoch(a.high, a.low, a.close, 14, 3, 3),
      technicalindicators: () => ti.Stochastic.calculate({ ...hlc, period: 14, signalPeriod: 3 }),
      tradingSignals: () =>
        new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }).updates(candles),
      talib: talibCall(c, "STOCH", HLC, {
        optInFastK_Period: 14,
        optInSlowK_Period: 3,
        optInSlowK_MAType: 0,
        optInSlowD_Period: 3,
        optInSlowD_MAType: 0,
      }),
      notes: ["a"],
    },
    {
      name: "cci(20)",
      ours: () => ours.cci(c.high, c.low, c.close, 20),
      stream: () => {
        const stream = new ours.CciStream(20);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.cci(a.high, a.low, a.close, 20),
      technicalindicators: () => ti.CCI.calculate({ ...hlc, period: 20 }),
      tradingSignals: () => new ts.CCI(20).updates(candles),
      talib: talibCall(c, "CCI", HLC, { optInTimePeriod: 20 }),
    },
    {
      name: "roc(10)",
      ours: () => ours.roc(c.close, 10),
      stream: () => {
        const stream = new ours.RocStream(10);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.roc(a.close, 10),
      technicalindicators: () => ti.ROC.calculate({ period: 10, values: sc.close }),
      tradingSignals: () => new ts.ROC(10).updates(sc.close),
      talib: talibCall(c, "ROC", REAL, { optInTimePeriod: 10 }),
    },
    {
      name: "mom(10)",
      ours: () => ours.mom(c.close, 10),
      stream: () => {
        const stream = new ours.MomStream(10);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.mom(a.close, 10),
      tradingSignals: () => new ts.MOM(10).updates(sc.close),
      talib: talibCall(c, "MOM", REAL, { optInTimePeriod: 10 }),
    },
    {
      name: "obv",
      ours: () => ours.obv(c.close, c.volume),
      stream: () => {
        const stream = new ours.ObvStream();
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.obv(a.close, a.volume),
      technicalindicators: () => ti.OBV.calculate({ close: sc.close, volume: sc.volume }),
      tradingSignals: () => new ts.OBV(2).updates(candles),
      talib: talibCall(c, "OBV", { inReal: "close", volume: "volume" }),
    },
    {
      name: "mfi(14)",
      ours: () => ours.mfi(c.high, c.low, c.close, c.volume, 14),
      stream: () => {
        const stream = new ours.MfiStream(14);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.mfi(a.high, a.low, a.close, a.volume, 14),
      technicalindicators: () => ti.MFI.calculate({ ...hlcv, period: 14 }),
      tradingSignals: () => new ts.MFI(14).updates(candles),
      talib: talibCall(c, "MFI", HLCV, { optInTimePeriod: 14 }),
    },
    {
      name: "willr(14)",
      ours: () => ours.willr(c.high, c.low, c.close, 14),
      stream: () => {
        const stream = new ours.WillrStream(14);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.willr(a.high, a.low, a.close, 14),
      technicalindicators: () => ti.WilliamsR.calculate({ ...hlc, period: 14 }),
      tradingSignals: () => new ts.WilliamsR(14).updates(candles),
      talib: talibCall(c, "WILLR", HLC, { optInTimePeriod: 14 }),
    },
    {
      name: "vwap(20)",
      ours: () => ours.vwap(c.high, c.low, c.close, c.volume, 20),
      stream: () => {
        const stream = new ours.VwapStream(20);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.vwap(a.high, a.low, a.close, a.volume, 20),
    },
    {
      name: "sessionVwap(1 day)",
      ours: () => ours.sessionVwap(c.time, c.high, c.low, c.close, c.volume),
      stream: () => {
        const stream = new ours.SessionVwapStream();
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      technicalindicators: () => ti.VWAP.calculate(hlcv),
      tradingSignals: () => new ts.VWAP().updates(candles),
      notes: ["b"],
    },
    {
      name: "volumeRatio(20)",
      ours: () => ours.volumeRatio(c.volume, 20),
      stream: () => {
        const stream = new ours.VolumeRatioStream(20);
        for (let i = 0; i < BARS; i++) stream.update(c.volume[i]!);
        return stream;
      },
      tradingSignals: () => new ts.RVOL(20).updates(sc.volume),
      notes: ["c"],
    },
    {
      name: "donchian(20)",
      ours: () => ours.donchian(c.high, c.low, 20),
      stream: () => {
        const stream = new ours.DonchianStream(20);
        const bar = newBar();
        for (let i = 0; i < BARS; i++) stream.update(loadBar(c, i, bar));
        return stream;
      },
      ixjb: () => ixjb.dc(a.high, a.low, 20),
      tradingSignals: () => new ts.DonchianChannels(20).updates(candles),
    },
    {
      name: "max(30)",
      ours: () => ours.max(c.close, 30),
      stream: () => {
        const stream = new ours.MaxStream(30);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.max(a.close, 30),
      technicalindicators: () => ti.Highest.calculate({ period: 30, values: sc.close }),
      talib: talibCall(c, "MAX", REAL, { optInTimePeriod: 30 }),
    },
    {
      name: "min(30)",
      ours: () => ours.min(c.close, 30),
      stream: () => {
        const stream = new ours.MinStream(30);
        for (let i = 0; i < BARS; i++) stream.update(c.close[i]!);
        return stream;
      },
      ixjb: () => ixjb.min(a.close, 30),
      technicalindicators: () => ti.Lowest.calculate({ period: 30, values: sc.close }),
      talib: talibCall(c, "MIN", REAL, { optInTimePeriod: 30 }),
    },
  ];
}

/**
 * ns per bar: one warm-up run, then as many timed runs as fit in about 0.25 s (3 to 9), median.
 * Fast functions get more samples, which steadies them on a busy machine; slow ones stay affordable.
 */
function nsPerBar(fn: (() => unknown) | undefined, bars: number): number | undefined {
  if (fn === undefined) return undefined;
  const first = medianMs(fn, { warmup: 1, runs: 1 });
  const runs = Math.max(3, Math.min(9, Math.round(250 / Math.max(first, 1e-3)) | 1));
  return (medianMs(fn, { warmup: 0, runs }) * 1e6) / bars;
}

function cell(value: number | undefined): string {
  if (value === undefined) return "—";
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** Runs the indicator benchmark and returns the report as markdown. */
export async function run(log: (line: string) => void = () => undefined): Promise<string> {
  const started = performance.now();
  const full = prepare(BARS, false);
  const slow = prepare(SLOW_BARS, true);
  const table: string[] = [
    "| indicator | ours (batch) | ours (stream) | @ixjb94/indicators | technicalindicators¹ | trading-signals¹ | TA-Lib C (talib)² | speed-up vs fastest JS library |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const usedNotes = new Set<string>();
  for (const row of rows(full, slow)) {
    const batch = nsPerBar(row.ours, BARS)!;
    const stream = nsPerBar(row.stream, BARS);
    const ixjbNs = nsPerBar(row.ixjb, BARS);
    const tiNs = nsPerBar(row.technicalindicators, SLOW_BARS);
    const tsNs = nsPerBar(row.tradingSignals, SLOW_BARS);
    const talibNs = nsPerBar(row.talib, BARS);
    const libraries = [ixjbNs, tiNs, tsNs].filter((v): v is number => v !== undefined);
    const fastest = libraries.length > 0 ? Math.min(...libraries) : undefined;
    const speedUp = fastest === undefined ? "—" : `${(fastest / batch).toFixed(1)}×`;
    const notes = (row.notes ?? []).map((key) => {
      usedNotes.add(key);
      return `⁽${key}⁾`;
    });
    const line = `| ${row.name}${notes.join("")} | ${cell(batch)} | ${cell(stream)} | ${cell(ixjbNs)} | ${cell(tiNs)} | ${cell(tsNs)} | ${cell(talibNs)} | ${speedUp} |`;
    table.push(line);
    log(line);
  }
  consume(full);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return [
    "## Indicators: nanoseconds per bar (lower is better)",
    "",
    `Seeded random-walk OHLCV (seed ${SEED}), ${BARS.toLocaleString("en-US")} bars; median of 3–9 runs after a warm-up,`,
    `gc between runs${gcExposed ? "" : " (not exposed: run with --expose-gc)"}. Node ${process.version}, ${cpu} × ${cpus().length}. Took ${seconds} s.`,
    "",
    ...table,
    "",
    `¹ measured on the first ${SLOW_BARS.toLocaleString("en-US")} bars (they need seconds for a million); ns/bar as measured.`,
    "² includes converting the Float64Array inputs to plain arrays (the binding reads only plain arrays) and the",
    "  result arrays coming back: what a caller holding columnar data pays.",
    "Ours (batch) takes Float64Array columns; @ixjb94/indicators and technicalindicators get plain number[] (their",
    "input type, not counted); trading-signals gets prebuilt candle objects through `updates()`; ours (stream) calls",
    "`update()` once per bar. Speed-up = fastest of the three JS libraries ÷ ours (batch). — = no such indicator.",
    ...[...usedNotes].sort().map((key) => `⁽${key}⁾ ${NOTES[key]}`),
    "",
  ].join("\n");
}
