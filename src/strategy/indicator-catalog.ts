import * as ind from "../indicators/index.js";
import type { BarInput, StreamingIndicator } from "../indicators/types.js";
import { RegimeStream, regimeColumn } from "./regime/detect-regimes.js";
import { regimeOptionsFromParameters, regimeParameters } from "./regime/regime-config.js";
import type { IndicatorDeclaration } from "./spec/schema.js";

/** Columns an indicator may read. `real` is the declaration's `source` field (close by default). */
export interface IndicatorInputs {
  real: Float64Array;
  time: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** One bar as streaming indicators read it; `real` is the source field's value. */
export interface StreamInput extends BarInput {
  real: number;
  time: number;
}

type Params = Record<string, number>;
type Outputs = Record<string, Float64Array>;

/** How the engine computes one indicator type in batch and streaming form, and what its outputs are called. */
export interface IndicatorKind {
  /** The first output is the one a bare reference (`bb`) means. */
  readonly outputs: readonly string[];
  readonly defaults: Readonly<Params>;
  batch(input: IndicatorInputs, p: Params): Outputs;
  /** A streaming instance whose `update` returns one value per output, in `outputs` order. */
  stream(p: Params): StreamingIndicator<StreamInput, Float64Array>;
}

const n = (p: Params, key: string): number => p[key] as number;

/** Adapts a streaming indicator of our library to the catalog's uniform shape (values written to one array). */
function adapt<In, Out>(
  inner: StreamingIndicator<In, Out>,
  toInput: (bar: StreamInput) => In,
  write: (value: Out, out: Float64Array) => void,
  width: number,
): StreamingIndicator<StreamInput, Float64Array> {
  const out = new Float64Array(width);
  const peeked = new Float64Array(width);
  return {
    update(bar) {
      write(inner.update(toInput(bar)), out);
      return out;
    },
    peek(bar) {
      write(inner.peek(toInput(bar)), peeked);
      return peeked;
    },
    reset() {
      inner.reset();
    },
  };
}

const real = (bar: StreamInput): number => bar.real;
const asBar = (bar: StreamInput): BarInput => bar;
const one = (value: number, out: Float64Array): void => {
  out[0] = value;
};

function single(
  defaults: Params,
  batch: (input: IndicatorInputs, p: Params) => Float64Array,
  stream: (p: Params) => StreamingIndicator<StreamInput, Float64Array>,
): IndicatorKind {
  return { outputs: ["value"], defaults, batch: (input, p) => ({ value: batch(input, p) }), stream };
}

export const INDICATOR_CATALOG: Readonly<Record<IndicatorDeclaration["type"], IndicatorKind>> = {
  sma: single(
    { period: 30 },
    (i, p) => ind.sma(i.real, n(p, "period")),
    (p) => adapt(new ind.SmaStream(n(p, "period")), real, one, 1),
  ),
  ema: single(
    { period: 30 },
    (i, p) => ind.ema(i.real, n(p, "period")),
    (p) => adapt(new ind.EmaStream(n(p, "period")), real, one, 1),
  ),
  wma: single(
    { period: 30 },
    (i, p) => ind.wma(i.real, n(p, "period")),
    (p) => adapt(new ind.WmaStream(n(p, "period")), real, one, 1),
  ),
  rsi: single(
    { period: 14 },
    (i, p) => ind.rsi(i.real, n(p, "period")),
    (p) => adapt(new ind.RsiStream(n(p, "period")), real, one, 1),
  ),
  stddev: single(
    { period: 5, nbdev: 1 },
    (i, p) => ind.stddev(i.real, n(p, "period"), n(p, "nbdev")),
    (p) => adapt(new ind.StddevStream(n(p, "period"), n(p, "nbdev")), real, one, 1),
  ),
  roc: single(
    { period: 10 },
    (i, p) => ind.roc(i.real, n(p, "period")),
    (p) => adapt(new ind.RocStream(n(p, "period")), real, one, 1),
  ),
  mom: single(
    { period: 10 },
    (i, p) => ind.mom(i.real, n(p, "period")),
    (p) => adapt(new ind.MomStream(n(p, "period")), real, one, 1),
  ),
  max: single(
    { period: 30 },
    (i, p) => ind.max(i.real, n(p, "period")),
    (p) => adapt(new ind.MaxStream(n(p, "period")), real, one, 1),
  ),
  min: single(
    { period: 30 },
    (i, p) => ind.min(i.real, n(p, "period")),
    (p) => adapt(new ind.MinStream(n(p, "period")), real, one, 1),
  ),
  volatility: single(
    { period: 20 },
    (i, p) => ind.logReturnVolatility(i.real, n(p, "period")),
    (p) => adapt(new ind.LogReturnVolatilityStream(n(p, "period")), real, one, 1),
  ),
  // Codes index REGIMES (src/domain/regime.ts): 0 bull … 4 highVolatility, -1 while warming up.
  regime: single(
    regimeParameters(),
    (i, p) => regimeColumn(i.high, i.low, i.close, regimeOptionsFromParameters(p)),
    (p) => adapt(new RegimeStream(regimeOptionsFromParameters(p)), asBar, one, 1),
  ),
  atr: single(
    { period: 14 },
    (i, p) => ind.atr(i.high, i.low, i.close, n(p, "period")),
    (p) => adapt(new ind.AtrStream(n(p, "period")), asBar, one, 1),
  ),
  plusDi: single(
    { period: 14 },
    (i, p) => ind.plusDi(i.high, i.low, i.close, n(p, "period")),
    (p) => adapt(new ind.AdxStream(n(p, "period")), asBar, (v, o) => one(v.plusDi, o), 1),
  ),
  minusDi: single(
    { period: 14 },
    (i, p) => ind.minusDi(i.high, i.low, i.close, n(p, "period")),
    (p) => adapt(new ind.AdxStream(n(p, "period")), asBar, (v, o) => one(v.minusDi, o), 1),
  ),
  cci: single(
    { period: 14 },
    (i, p) => ind.cci(i.high, i.low, i.close, n(p, "period")),
    (p) => adapt(new ind.CciStream(n(p, "period")), asBar, one, 1),
  ),
  willr: single(
    { period: 14 },
    (i, p) => ind.willr(i.high, i.low, i.close, n(p, "period")),
    (p) => adapt(new ind.WillrStream(n(p, "period")), asBar, one, 1),
  ),
  mfi: single(
    { period: 14 },
    (i, p) => ind.mfi(i.high, i.low, i.close, i.volume, n(p, "period")),
    (p) => adapt(new ind.MfiStream(n(p, "period")), asBar, one, 1),
  ),
  obv: single(
    {},
    (i) => ind.obv(i.close, i.volume),
    () => adapt(new ind.ObvStream(), asBar, one, 1),
  ),
  vwap: single(
    { period: 20 },
    (i, p) => ind.vwap(i.high, i.low, i.close, i.volume, n(p, "period")),
    (p) => adapt(new ind.VwapStream(n(p, "period")), asBar, one, 1),
  ),
  sessionVwap: single(
    {},
    (i) => ind.sessionVwap(i.time, i.high, i.low, i.close, i.volume),
    () => adapt(new ind.SessionVwapStream(), asBar, one, 1),
  ),
  volumeRatio: single(
    { period: 20 },
    (i, p) => ind.volumeRatio(i.volume, n(p, "period")),
    (p) => adapt(new ind.VolumeRatioStream(n(p, "period")), (b) => b.volume, one, 1),
  ),
  adx: {
    outputs: ["adx", "plusDi", "minusDi"],
    defaults: { period: 14 },
    batch: (i, p) => ({
      adx: ind.adx(i.high, i.low, i.close, n(p, "period")),
      plusDi: ind.plusDi(i.high, i.low, i.close, n(p, "period")),
      minusDi: ind.minusDi(i.high, i.low, i.close, n(p, "period")),
    }),
    stream: (p) =>
      adapt(
        new ind.AdxStream(n(p, "period")),
        asBar,
        (v, o) => {
          o[0] = v.adx;
          o[1] = v.plusDi;
          o[2] = v.minusDi;
        },
        3,
      ),
  },
  macd: {
    outputs: ["macd", "signal", "histogram"],
    defaults: { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 },
    batch: (i, p) => {
      const r = ind.macd(i.real, n(p, "fastPeriod"), n(p, "slowPeriod"), n(p, "signalPeriod"));
      return { macd: r.macd, signal: r.signal, histogram: r.histogram };
    },
    stream: (p) =>
      adapt(
        new ind.MacdStream(n(p, "fastPeriod"), n(p, "slowPeriod"), n(p, "signalPeriod")),
        real,
        (v, o) => {
          o[0] = v.macd;
          o[1] = v.signal;
          o[2] = v.histogram;
        },
        3,
      ),
  },
  bbands: {
    outputs: ["middle", "upper", "lower"],
    defaults: { period: 20, nbdevup: 2, nbdevdn: 2 },
    batch: (i, p) => {
      const r = ind.bbands(i.real, n(p, "period"), n(p, "nbdevup"), n(p, "nbdevdn"));
      return { middle: r.middle, upper: r.upper, lower: r.lower };
    },
    stream: (p) =>
      adapt(
        new ind.BbandsStream(n(p, "period"), n(p, "nbdevup"), n(p, "nbdevdn")),
        real,
        (v, o) => {
          o[0] = v.middle;
          o[1] = v.upper;
          o[2] = v.lower;
        },
        3,
      ),
  },
  stoch: {
    outputs: ["k", "d"],
    defaults: { fastKPeriod: 5, slowKPeriod: 3, slowDPeriod: 3 },
    batch: (i, p) => {
      const r = ind.stoch(i.high, i.low, i.close, n(p, "fastKPeriod"), n(p, "slowKPeriod"), n(p, "slowDPeriod"));
      return { k: r.k, d: r.d };
    },
    stream: (p) =>
      adapt(
        new ind.StochStream(n(p, "fastKPeriod"), n(p, "slowKPeriod"), n(p, "slowDPeriod")),
        asBar,
        (v, o) => {
          o[0] = v.k;
          o[1] = v.d;
        },
        2,
      ),
  },
  donchian: {
    outputs: ["middle", "upper", "lower"],
    defaults: { period: 20 },
    batch: (i, p) => {
      const r = ind.donchian(i.high, i.low, n(p, "period"));
      return { middle: r.middle, upper: r.upper, lower: r.lower };
    },
    stream: (p) =>
      adapt(
        new ind.DonchianStream(n(p, "period")),
        asBar,
        (v, o) => {
          o[0] = v.middle;
          o[1] = v.upper;
          o[2] = v.lower;
        },
        3,
      ),
  },
};

/** The numeric parameters of a declaration with the type's defaults filled in (all `$refs` already resolved). */
export function resolveIndicatorParams(declaration: IndicatorDeclaration): Params {
  const kind = INDICATOR_CATALOG[declaration.type];
  const params: Params = { ...kind.defaults };
  for (const key of Object.keys(kind.defaults)) {
    const given = (declaration as Record<string, unknown>)[key];
    if (typeof given === "number") params[key] = given;
    else if (given !== undefined)
      throw new TypeError(`indicator ${declaration.type}: ${key} must be a number, got ${String(given)}`);
  }
  if (declaration.type === "stddev" && typeof declaration.nbdev === "number") params.nbdev = declaration.nbdev;
  for (const key of Object.keys(declaration)) {
    if (key === "type" || key === "source" || key === "timeframe") continue;
    if (!(key in kind.defaults)) {
      throw new TypeError(
        `indicator ${declaration.type} has no parameter "${key}" (it takes ${Object.keys(kind.defaults).join(", ") || "none"})`,
      );
    }
  }
  return params;
}

/** Stable identity of an indicator computation, so two declarations of the same thing share one column. */
export function indicatorKey(declaration: IndicatorDeclaration): string {
  const params = resolveIndicatorParams(declaration);
  const source = declaration.source ?? "close";
  const timeframe = declaration.timeframe ? `@${declaration.timeframe}` : "";
  return `${declaration.type}${timeframe}(${source};${Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")})`;
}
