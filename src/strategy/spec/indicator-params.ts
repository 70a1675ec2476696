import type { INDICATOR_TYPES } from "./schema.js";

export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** The values one indicator parameter accepts. Bounds are inclusive unless marked open. */
export interface ParamRule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** The bound itself is not allowed (crashDrawdown must be > 0, not >= 0). */
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
}

/**
 * The longest period any indicator accepts. A cap keeps a machine-written `period: 1e9` from allocating or
 * silently never trading: 10^6 bars is about two years of 1-minute bars.
 */
export const MAX_PERIOD = 1_000_000;

const period = (min: number): ParamRule => ({ min, max: MAX_PERIOD, integer: true });
const real = (min: number, max: number, open: { minOpen?: boolean; maxOpen?: boolean } = {}): ParamRule => ({
  min,
  max,
  integer: false,
  ...open,
});
const deviations = real(0, 100, { minOpen: true });
const percent = real(0, 100);

/**
 * Every parameter each indicator type takes, with the range its batch AND streaming forms accept (the stricter
 * of the two: plusDi's batch form takes period 1 but its stream is an ADX stream, which needs 2). A spec is
 * checked against this table twice: literal numbers when it is parsed, `$parameter` values when it is compiled.
 */
export const INDICATOR_PARAMS: Readonly<Record<IndicatorType, Readonly<Record<string, ParamRule>>>> = {
  sma: { period: period(2) },
  ema: { period: period(2) },
  wma: { period: period(2) },
  rsi: { period: period(2) },
  macd: { fastPeriod: period(2), slowPeriod: period(2), signalPeriod: period(1) },
  bbands: { period: period(2), nbdevup: deviations, nbdevdn: deviations },
  atr: { period: period(1) },
  adx: { period: period(2) },
  plusDi: { period: period(2) },
  minusDi: { period: period(2) },
  stddev: { period: period(2), nbdev: deviations },
  stoch: { fastKPeriod: period(1), slowKPeriod: period(1), slowDPeriod: period(1) },
  cci: { period: period(2) },
  roc: { period: period(1) },
  mom: { period: period(1) },
  obv: {},
  mfi: { period: period(2) },
  willr: { period: period(2) },
  vwap: { period: period(1) },
  sessionVwap: {},
  volumeRatio: { period: period(1) },
  donchian: { period: period(1) },
  max: { period: period(2) },
  min: { period: period(2) },
  volatility: { period: period(2) },
  // The regime detector's own options (src/strategy/regime/regime-config.ts), as numbers; holdTrend is 0 or 1.
  regime: {
    adxPeriod: period(2),
    maPeriod: period(2),
    trendAdx: percent,
    rangeAdx: percent,
    bollingerPeriod: period(2),
    bollingerDeviations: deviations,
    tightBandPercentile: percent,
    volatilityPeriod: period(2),
    highVolatilityPercentile: percent,
    percentileWindow: period(2),
    crashDrawdown: real(0, 1, { minOpen: true, maxOpen: true }),
    drawdownLookback: period(2),
    crashReturn: real(-1, 0, { minOpen: true, maxOpen: true }),
    returnLookback: period(1),
    holdTrend: { min: 0, max: 1, integer: true },
  },
};

/** Indicators that read one price series, chosen by the declaration's `source` (close by default). */
export const SOURCE_INDICATORS: ReadonlySet<IndicatorType> = new Set([
  "sma",
  "ema",
  "wma",
  "rsi",
  "macd",
  "bbands",
  "stddev",
  "roc",
  "mom",
  "max",
  "min",
  "volatility",
]);

/** Why `value` is outside `rule`, or undefined when it fits. */
export function ruleViolation(rule: ParamRule, value: number): string | undefined {
  if (!Number.isFinite(value)) return `must be a finite number, got ${value}`;
  if (rule.integer && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
  const low = rule.minOpen ? value <= rule.min : value < rule.min;
  const high = rule.maxOpen ? value >= rule.max : value > rule.max;
  if (low || high) return `must be ${describeRule(rule)}, got ${value}`;
  return undefined;
}

/** "a whole number from 2 to 1000000", "a number > 0 and <= 100". */
export function describeRule(rule: ParamRule): string {
  const kind = rule.integer ? "a whole number" : "a number";
  if (!rule.minOpen && !rule.maxOpen) return `${kind} from ${rule.min} to ${rule.max}`;
  return `${kind} ${rule.minOpen ? ">" : ">="} ${rule.min} and ${rule.maxOpen ? "<" : "<="} ${rule.max}`;
}
