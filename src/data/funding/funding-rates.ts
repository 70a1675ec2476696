import { basename } from "node:path";
import { loadPointSeriesCsv, type PointSeries, parsePointSeriesCsv } from "../csv/point-series-csv.js";

/** One settled funding payment: the rate (a fraction of notional per interval) fixed at `time` (Unix ms). */
export interface FundingSettlement {
  readonly time: number;
  readonly rate: number;
}

export interface FundingRateOptions {
  /** Name in messages; default: the file name without .csv/.csv.gz. */
  readonly symbol?: string;
  /**
   * Largest |rate| accepted, as a fraction per interval; default 0.05 (5 %), above every cap an exchange has
   * used (Binance BTCUSDT: ±0.3 % until 2021, ±3 % for small perpetuals), so a file in percent (0.01 meaning
   * 0.01 %) or a broken value is refused, not charged.
   */
  readonly maxAbsRate?: number;
}

/**
 * Funding rates of one perpetual, point in time: a rate is known from its settlement time on, never before, so a
 * backtest that asks `rateAt(t)` or `between(a, b)` cannot see a later settlement.
 */
export class FundingRateSeries {
  readonly symbol: string;
  /** Settlement times, strictly increasing (Unix ms). */
  readonly time: Float64Array;
  /** Rate settled at `time[i]`, a fraction of notional per interval (0.0001 = 0.01 %). */
  readonly rate: Float64Array;
  /** The usual time between settlements (8 h on Binance); undefined for a one-row file. */
  readonly intervalMs: number | undefined;

  constructor(symbol: string, time: Float64Array, rate: Float64Array, intervalMs: number | undefined) {
    if (time.length !== rate.length) throw new RangeError(`${symbol}: ${time.length} times but ${rate.length} rates`);
    for (let i = 1; i < time.length; i++) {
      if (!((time[i] as number) > (time[i - 1] as number))) {
        throw new RangeError(`${symbol}: settlement ${i} is not after the one before; times must strictly increase`);
      }
    }
    this.symbol = symbol;
    this.time = time;
    this.rate = rate;
    this.intervalMs = intervalMs;
  }

  get length(): number {
    return this.time.length;
  }

  /** The latest settlement at or before `time`; undefined before the first one. */
  rateAt(time: number): FundingSettlement | undefined {
    const i = lastAtOrBefore(this.time, time);
    return i < 0 ? undefined : { time: this.time[i] as number, rate: this.rate[i] as number };
  }

  /** Every settlement in (after, through], oldest first: the payments due while a position was held. */
  between(after: number, through: number): FundingSettlement[] {
    const out: FundingSettlement[] = [];
    const last = lastAtOrBefore(this.time, through);
    for (let i = lastAtOrBefore(this.time, after) + 1; i <= last; i++) {
      out.push({ time: this.time[i] as number, rate: this.rate[i] as number });
    }
    return out;
  }
}

/** Header names of the rate column, tried in order (Binance REST/archive, ccxt, the shared data). */
const RATE_COLUMNS = ["funding_rate", "fundingrate", "rate", "last_funding_rate", "lastfundingrate"];
/** Header names of the settlement time tried before the usual timestamp names. */
const TIME_COLUMNS = ["funding_time", "fundingtime", "calc_time", "calctime"];

/**
 * Loads a funding-rate history (CSV or CSV.gz, such as ../shared/data/crypto/binance_usdm_BTCUSDT_funding_8h.csv.gz)
 * as a point-in-time series. Columns: a settlement time (funding_time|fundingTime|calc_time or the usual
 * timestamp names; epoch or ISO-8601) and a rate (funding_rate|fundingRate|rate|last_funding_rate). Rows must be
 * strictly increasing; a rate that is not a number or beyond `maxAbsRate` is a DataError naming file and line.
 */
export async function loadFundingRates(path: string, options: FundingRateOptions = {}): Promise<FundingRateSeries> {
  const maxAbsRate = checkedLimit(options.maxAbsRate);
  const series = await loadPointSeriesCsv(path, readerOptions(path, options, maxAbsRate));
  return fromPoints(series);
}

/** `loadFundingRates` on text held in memory; `file` names it in messages. */
export function parseFundingRates(text: string, file: string, options: FundingRateOptions = {}): FundingRateSeries {
  const maxAbsRate = checkedLimit(options.maxAbsRate);
  return fromPoints(parsePointSeriesCsv(text, file, readerOptions(file, options, maxAbsRate)));
}

function checkedLimit(limit: number | undefined): number {
  const value = limit ?? 0.05;
  if (!(value > 0)) throw new RangeError(`maxAbsRate must be > 0, got ${value}`);
  return value;
}

function readerOptions(file: string, options: FundingRateOptions, maxAbsRate: number) {
  return {
    name: options.symbol ?? basename(file).replace(/(\.csv)?(\.gz)?$/i, ""),
    column: RATE_COLUMNS,
    timeColumns: TIME_COLUMNS,
    // Settled at its timestamp and known from then on.
    timestamps: "publication" as const,
    checkValue: (rate: number) =>
      Math.abs(rate) <= maxAbsRate
        ? undefined
        : `not a plausible funding rate (|rate| > ${maxAbsRate} per interval; rates are fractions, 0.0001 = 0.01 %)`,
  };
}

function fromPoints(series: PointSeries): FundingRateSeries {
  return new FundingRateSeries(series.name, series.known, series.values, series.periodMs);
}

/** Index of the last element <= `at` in a strictly increasing array; -1 when every element is later. */
function lastAtOrBefore(time: Float64Array, at: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
