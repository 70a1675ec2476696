import { type CandleSeries, lowerBound } from "../../domain/candles.js";
import type { ClosedTrade, EquityCurve } from "../../domain/trade.js";
import { aggregateCandles, sampleLikeCandles } from "./aggregate-candles.js";
import { downsampleMinMax, pick } from "./downsample.js";
import { underwater } from "./underwater.js";

/** Equity and drawdown charts draw at most this many points each (see downsampleMinMax). */
export const MAX_CHART_POINTS = 5_000;
/** A candle chart draws at most this many candles; longer series are merged (see aggregateCandles). */
export const MAX_CANDLES = 10_000;

/** A strategy's own indicator over one symbol's bars, drawn over its candles. */
export interface IndicatorOverlay {
  readonly symbol: string;
  readonly label: string;
  /** One value per bar of that symbol's series (NaN while warming up). */
  readonly values: Float64Array;
}

/** One symbol's candles, columnar; `time` is delta-encoded seconds (first value absolute). */
export interface CandlePayload {
  readonly symbol: string;
  readonly timeframe: string;
  /** Decimals shown on the price axis. */
  readonly precision: number;
  /** Bars merged into each candle drawn (1: every bar is drawn). */
  readonly barsPerCandle: number;
  /** The strategy's indicators on the price scale, sampled like the candles; null while warming up. */
  readonly overlays: { readonly label: string; readonly values: (number | null)[] }[];
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
}

/**
 * One trade as an array, to keep the page small: [id, symbol index (-1: no candle series), side (0 long, 1 short),
 * entry bar time s, entry price, exit bar time s, exit price, net PnL, return fraction, index into `reasons`].
 * Times are snapped to the open time of the bar that contains the fill, so markers sit on a candle.
 */
export type TradeTuple = [number, number, 0 | 1, number, number, number, number, number, number, number];

export interface LinePayload {
  /** Delta-encoded seconds. */
  readonly time: number[];
  readonly lines: { readonly label: string; readonly values: number[] }[];
  /** Points before downsampling. */
  readonly fullLength: number;
}

export interface ReportPayload {
  readonly candles: CandlePayload[];
  readonly trades: TradeTuple[];
  readonly reasons: string[];
  /** Entry + exit marker per trade on a charted symbol; the page checks itself against this. */
  readonly expectedMarkers: number;
  readonly equity: LinePayload;
  /** Drawdowns in percent (-25 = 25 % below the running peak). */
  readonly drawdown: LinePayload;
}

export interface ReportDataInput {
  readonly series: readonly CandleSeries[];
  readonly trades: readonly ClosedTrade[];
  readonly equity: EquityCurve;
  readonly benchmark?: { readonly label: string; readonly equity: Float64Array } | undefined;
  readonly maxChartPoints?: number;
  /** Cap on candles per symbol; default MAX_CANDLES. */
  readonly maxCandles?: number;
  /** The instrument's price increment per symbol: the decimals the prices are shown with. */
  readonly tickSize?: (symbol: string) => number | undefined;
  readonly overlays?: readonly IndicatorOverlay[];
}

/** Builds the JSON the report page draws from. Throws a RangeError naming the series and index on bad times. */
export function buildReportPayload(input: ReportDataInput): ReportPayload {
  const maxPoints = input.maxChartPoints ?? MAX_CHART_POINTS;
  const { time, equity } = input.equity;
  if (time.length !== equity.length) {
    throw new RangeError(`equity curve has ${time.length} times but ${equity.length} equity values`);
  }
  if (input.benchmark !== undefined && input.benchmark.equity.length !== time.length) {
    throw new RangeError(
      `benchmark "${input.benchmark.label}" has ${input.benchmark.equity.length} values but the equity curve has ${time.length}`,
    );
  }
  const bySymbol = new Map<string, number>();
  input.series.forEach((s, i) => {
    if (bySymbol.has(s.symbol)) throw new RangeError(`symbol ${s.symbol} has two candle series; one per symbol`);
    bySymbol.set(s.symbol, i);
  });
  const maxCandles = input.maxCandles ?? MAX_CANDLES;
  const charts = input.series.map((series) => aggregateCandles(series, maxCandles));
  const reasons: string[] = [];
  const reasonIndex = new Map<string, number>();
  let expectedMarkers = 0;
  const trades = input.trades.map((t): TradeTuple => {
    const s = bySymbol.get(t.symbol) ?? -1;
    if (s >= 0) expectedMarkers += 2;
    let r = reasonIndex.get(t.exitReason);
    if (r === undefined) {
      r = reasons.push(t.exitReason) - 1;
      reasonIndex.set(t.exitReason, r);
    }
    const series = input.series[s];
    const per = charts[s]?.barsPerCandle ?? 1;
    const snap = (ms: number) => (series === undefined ? seconds(ms) : seconds(candleTimeAt(series, ms, per)));
    return [
      t.id,
      s,
      t.side === "long" ? 0 : 1,
      snap(t.entryTime),
      t.entryPrice,
      snap(t.exitTime),
      t.exitPrice,
      round(t.netPnl, 10),
      round(t.returnPct, 8),
      r,
    ];
  });

  const benchmark = input.benchmark;
  const equityColumns = benchmark === undefined ? [equity] : [equity, benchmark.equity];
  const equityIndices = time.length === 0 ? new Uint32Array(0) : downsampleMinMax(equityColumns, maxPoints);
  const drawdownColumns = equityColumns.map((column) => underwater(column));
  const drawdownIndices = time.length === 0 ? new Uint32Array(0) : downsampleMinMax(drawdownColumns, maxPoints);
  const labels = ["Strategy", ...(benchmark === undefined ? [] : [benchmark.label])];
  checkAscendingSeconds(time, "equity curve");

  return {
    candles: input.series.map((series, i) =>
      candlePayload(
        series,
        charts[i]!,
        input.tickSize?.(series.symbol),
        (input.overlays ?? []).filter((o) => o.symbol === series.symbol),
      ),
    ),
    trades,
    reasons,
    expectedMarkers,
    equity: {
      time: deltaSeconds(pick(time, equityIndices)),
      lines: equityColumns.map((column, i) => ({
        label: labels[i] as string,
        values: Array.from(pick(column, equityIndices), (v) => round(v, 10)),
      })),
      fullLength: time.length,
    },
    drawdown: {
      time: deltaSeconds(pick(time, drawdownIndices)),
      lines: drawdownColumns.map((column, i) => ({
        label: labels[i] as string,
        values: Array.from(pick(column, drawdownIndices), (v) => Math.round(v * 1e6) / 1e4),
      })),
      fullLength: time.length,
    },
  };
}

function candlePayload(
  series: CandleSeries,
  chart: ReturnType<typeof aggregateCandles>,
  tickSize: number | undefined,
  overlays: readonly IndicatorOverlay[],
): CandlePayload {
  checkAscendingSeconds(series.time, `candle series ${series.symbol}`);
  const precision = tickSize !== undefined && tickSize > 0 ? tickDecimals(tickSize) : pricePrecision(series.close);
  // Prices are rounded to the decimals the axis shows: invisible on the chart, and it keeps the page small.
  const scale = 10 ** precision;
  const column = (values: Float64Array) => Array.from(values, (v) => round(Math.round(v * scale) / scale, 12));
  return {
    symbol: series.symbol,
    timeframe: series.timeframe ?? "",
    precision,
    barsPerCandle: chart.barsPerCandle,
    overlays: overlays.map((o) => {
      if (o.values.length !== series.length) {
        throw new RangeError(
          `overlay ${o.label} has ${o.values.length} values, ${series.symbol} has ${series.length} bars`,
        );
      }
      const sampled = sampleLikeCandles(o.values, chart.barsPerCandle);
      return {
        label: o.label,
        values: Array.from(sampled, (v) => (Number.isFinite(v) ? round(Math.round(v * scale) / scale, 12) : null)),
      };
    }),
    time: deltaSeconds(chart.time),
    open: column(chart.open),
    high: column(chart.high),
    low: column(chart.low),
    close: column(chart.close),
  };
}

/** Decimals of a price increment: 0.01 → 2, 0.5 → 1, 1 → 0, 0.0001 → 4 (at most 10). */
export function tickDecimals(tick: number): number {
  for (let d = 0; d <= 10; d++) {
    const scaled = tick * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 10;
}

/**
 * Decimals for the price axis and the candle data: about 5 significant digits at the lowest close (so the cheapest
 * stretch of a long history keeps its detail), between 2 and 8.
 */
export function pricePrecision(close: Float64Array): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const c of close) if (c > 0 && c < lowest) lowest = c;
  if (!Number.isFinite(lowest)) return 2;
  return Math.min(8, Math.max(2, Math.ceil(4 - Math.log10(lowest))));
}

/**
 * Open time of the drawn candle containing `timeMs`: the last bar opening at or before it (the first bar when
 * earlier), then the first bar of the candle that bar was merged into.
 */
function candleTimeAt(series: CandleSeries, timeMs: number, barsPerCandle: number): number {
  if (series.length === 0) return timeMs;
  let i = lowerBound(series, timeMs);
  if (i === series.length || (series.time[i] as number) > timeMs) i -= 1;
  i = Math.max(0, i);
  return series.time[i - (i % barsPerCandle)] as number;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Charts need strictly ascending whole-second times; two bars within one second would make the page throw. */
function checkAscendingSeconds(time: Float64Array, what: string): void {
  for (let i = 1; i < time.length; i++) {
    if (seconds(time[i] as number) <= seconds(time[i - 1] as number)) {
      throw new RangeError(
        `${what}: time at index ${i} (${time[i]} ms) is not after index ${i - 1} (${time[i - 1]} ms) in whole seconds`,
      );
    }
  }
}

function deltaSeconds(time: Float64Array): number[] {
  const out = new Array<number>(time.length);
  let previous = 0;
  for (let i = 0; i < time.length; i++) {
    const s = seconds(time[i] as number);
    out[i] = s - previous;
    previous = s;
  }
  return out;
}

/** Rounds to `digits` significant digits: display only, and it keeps float noise out of the page. */
function round(value: number, digits: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : value;
}
