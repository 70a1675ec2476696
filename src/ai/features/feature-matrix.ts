/**
 * The point-in-time feature matrix: candles (+ optional context series, + caller-supplied account state) → one
 * named Float64Array column per feature. Row t is what is known when bar t closes, never more.
 */
import {
  ACCOUNT_FEATURES,
  type AccountFeature,
  CONTEXT_FEATURES,
  type ContextFeature,
  FEATURE_PIPELINE_VERSION,
  type FeatureName,
  isFeatureName,
  MARKET_FEATURES,
  type MarketFeature,
} from "./feature-names.js";
import { computeMarketFeatures, type FeatureCandles } from "./market-features.js";

export type { FeatureCandles } from "./market-features.js";

/**
 * A series whose value i becomes known at `known[i]` (Unix ms, strictly increasing): a PointSeries from
 * src/data/csv/point-series-csv.ts fits, and so does a funding series mapped to { known: time, values: rate }.
 */
export interface ContextSeries {
  readonly known: Float64Array;
  readonly values: Float64Array;
}

/**
 * Account/position state per bar, from the caller (an RL environment, the engine). A column left out means the
 * account is flat with no history: 0 everywhere, except `win_rate_recent` which is 0.5 (no evidence either way).
 */
export type AccountColumns = Partial<Record<AccountFeature, Float64Array>>;

export interface FeatureMatrixOptions {
  /** Columns wanted, in this order; default: every market feature plus the context features supplied. */
  readonly features?: readonly FeatureName[];
  readonly context?: Partial<Record<ContextFeature, ContextSeries>>;
  readonly account?: AccountColumns;
  /** Bar length in ms; default: the most common step between bar times (1 h when there is a single bar). */
  readonly barMs?: number;
}

export class FeatureMatrix {
  readonly version = FEATURE_PIPELINE_VERSION;

  constructor(
    readonly names: readonly FeatureName[],
    readonly columns: readonly Float64Array[],
    /** Bar open times, Unix ms. */
    readonly time: Float64Array,
    /** First row from which every column has left its warm-up (rows.length when none has). */
    readonly validFrom: number,
  ) {}

  get rows(): number {
    return this.time.length;
  }

  column(name: FeatureName): Float64Array {
    const index = this.names.indexOf(name);
    if (index < 0) throw new RangeError(`feature ${name} is not in this matrix (${this.names.join(", ")})`);
    return this.columns[index] as Float64Array;
  }

  /** Row `index` into `out` (float32, as XGBoost takes it), in `names` order. */
  row(index: number, out: Float32Array = new Float32Array(this.names.length)): Float32Array {
    for (let c = 0; c < this.columns.length; c++) out[c] = (this.columns[c] as Float64Array)[index] as number;
    return out;
  }

  /** Rows `indices` as one row-major float32 block (the layout XGBoost's dense matrix wants). */
  rowsBlock(indices: ArrayLike<number>): Float32Array {
    const width = this.names.length;
    const out = new Float32Array(indices.length * width);
    for (let c = 0; c < width; c++) {
      const column = this.columns[c] as Float64Array;
      for (let r = 0; r < indices.length; r++) out[r * width + c] = column[indices[r] as number] as number;
    }
    return out;
  }
}

/** The account of a caller that supplies none: flat, no history (win rate 0.5: no evidence either way). */
export const ACCOUNT_DEFAULT: Readonly<Record<AccountFeature, number>> = {
  current_position: 0,
  current_leverage: 0,
  position_pnl: 0,
  position_duration: 0,
  unrealized_pnl: 0,
  margin_ratio: 0,
  drawdown_current: 0,
  consecutive_losses: 0,
  win_rate_recent: 0.5,
};

/** The most common step between bar times; what "1h" means in bars depends on it. */
export function inferBarMs(time: Float64Array): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(time.length, 1001); i++) {
    const step = (time[i] as number) - (time[i - 1] as number);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 3_600_000;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount && step > 0) [best, bestCount] = [step, count];
  }
  return best;
}

/**
 * The latest value known by the close of each bar (open time + barMs), or NaN before the first one. A value known
 * exactly at the close counts: the decision for bar t is taken at that instant.
 */
export function alignContext(series: ContextSeries, time: Float64Array, barMs: number): Float64Array {
  const out = new Float64Array(time.length).fill(Number.NaN);
  let j = -1;
  for (let i = 0; i < time.length; i++) {
    const close = (time[i] as number) + barMs;
    while (j + 1 < series.known.length && (series.known[j + 1] as number) <= close) j++;
    if (j >= 0) out[i] = series.values[j] as number;
  }
  return out;
}

function firstFiniteRun(column: Float64Array): number {
  for (let i = 0; i < column.length; i++) if (Number.isFinite(column[i] as number)) return i;
  return column.length;
}

/** Builds the feature matrix; an unknown feature name, a context feature without its series, or a wrong-length account column is an error. */
export function buildFeatureMatrix(candles: FeatureCandles, options: FeatureMatrixOptions = {}): FeatureMatrix {
  const n = candles.close.length;
  for (const field of ["time", "high", "low", "volume"] as const) {
    if (candles[field].length !== n)
      throw new RangeError(`candles.${field} has ${candles[field].length} rows, close has ${n}`);
  }
  const barMs = options.barMs ?? inferBarMs(candles.time);
  const context = options.context ?? {};
  const names = options.features ?? [
    ...MARKET_FEATURES,
    ...CONTEXT_FEATURES.filter((name) => context[name] !== undefined),
  ];
  for (const name of names) {
    if (!isFeatureName(name)) throw new RangeError(`unknown feature "${name}"`);
    if ((CONTEXT_FEATURES as readonly string[]).includes(name) && context[name as ContextFeature] === undefined) {
      throw new RangeError(`feature ${name} needs its context series, which was not supplied`);
    }
  }
  const market = names.some((name) => (MARKET_FEATURES as readonly string[]).includes(name))
    ? computeMarketFeatures(candles, barMs)
    : undefined;
  const columns = names.map((name): Float64Array => {
    if (market && name in market) return market[name as MarketFeature];
    const series = context[name as ContextFeature];
    if (series) return alignContext(series, candles.time, barMs);
    const supplied = options.account?.[name as AccountFeature];
    if (supplied) {
      if (supplied.length !== n)
        throw new RangeError(`account column ${name} has ${supplied.length} rows, candles ${n}`);
      return supplied;
    }
    if ((ACCOUNT_FEATURES as readonly string[]).includes(name)) {
      return new Float64Array(n).fill(ACCOUNT_DEFAULT[name as AccountFeature]);
    }
    throw new RangeError(`feature ${name} has no source`);
  });
  const validFrom = columns.reduce((latest, column) => Math.max(latest, firstFiniteRun(column)), 0);
  return new FeatureMatrix(names, columns, candles.time, names.length === 0 ? 0 : validFrom);
}
