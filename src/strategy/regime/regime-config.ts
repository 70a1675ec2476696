import { z } from "zod";
import { percentAsFraction } from "../../domain/percent-schema.js";
import { REGIMES } from "../../domain/regime.js";

/**
 * Regime codes as the detector writes them, in the order of `REGIMES` in src/risk/market-snapshot.ts (the engine
 * maps a code to its label by that index; a test in src/risk/sizing pins the two together). -1 means "not yet
 * known" (warm-up).
 */
export const REGIME_CODE = { bull: 0, bear: 1, crash: 2, sideways: 3, highVolatility: 4 } as const;
export const REGIME_WARMUP = -1;
export const REGIME_NAMES = REGIMES;

const period = (fallback: number) => z.number().int().min(2).default(fallback);
const percent = (fallback: number) => z.number().min(0).max(100).default(fallback);

/**
 * Parameters of the regime detector (algo-trading-lab seed, "Regime Detection"). Lookbacks are in bars of the
 * series it runs on; the defaults suit 1h bars (720 bars = 30 days, 168 = a week, 24 = a day).
 */
const regimeShape = {
  /** ADX period (Wilder). */
  adxPeriod: period(14),
  /** Period of the simple moving average of the close that separates bull from bear. */
  maPeriod: period(50),
  /** ADX above this is a trend (bull or bear). */
  trendAdx: z.number().min(0).max(100).default(25),
  /** ADX below this, with tight Bollinger bands, is sideways. */
  rangeAdx: z.number().min(0).max(100).default(20),
  bollingerPeriod: period(20),
  bollingerDeviations: z.number().positive().default(2),
  /** Bands are "tight" when their width (upper − lower) / middle is at or below this percentile of the window. */
  tightBandPercentile: percent(50),
  /** Bars of log returns in the volatility (same measure as MarketSnapshot.volatility). */
  volatilityPeriod: period(20),
  /** Volatility above this percentile of the window is high volatility. */
  highVolatilityPercentile: percent(90),
  /** Past bars the two percentiles are taken over (the current bar excluded: causal). */
  percentileWindow: period(720),
  /** Drawdown from the highest close of the last `drawdownLookback` bars beyond which a fall may be a crash. */
  crashDrawdown: z.number().gt(0).lt(1).default(0.1),
  drawdownLookback: period(168),
  /** Return over the last `returnLookback` bars below which (with the drawdown) it is a crash; -0.05 = −5 %. */
  crashReturn: z.number().gt(-1).lt(0).default(-0.05),
  returnLookback: z.number().int().min(1).default(24),
  /**
   * Bars that are neither trending (ADX > trendAdx) nor clearly ranging (ADX < rangeAdx with tight bands): true
   * keeps a bull (bear) regime while the close stays above (below) the MA, else sideways; false: always sideways.
   */
  holdTrend: z.boolean().default(true),
};

const adxBandsInOrder = (o: { rangeAdx: number; trendAdx: number }) => o.rangeAdx <= o.trendAdx;
const adxBandsMessage = { message: "rangeAdx must not exceed trendAdx", path: ["rangeAdx"] };

export const regimeOptionsSchema = z.object(regimeShape).strict().refine(adxBandsInOrder, adxBandsMessage);

export type RegimeOptions = z.infer<typeof regimeOptionsSchema>;

/**
 * The `regime` section of the config file: the detector's parameters and whether the engine runs it at all. As
 * everywhere in the config, the crash thresholds are written in percent (10 = 10 %, −5 = −5 %); the detector
 * receives fractions, as the spec indicator's parameters give them.
 */
export const regimeConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    ...regimeShape,
    crashDrawdown: percentAsFraction({ gt: 0, lt: 100 }).prefault(10),
    crashReturn: percentAsFraction({ gt: -100, lt: 0 }).prefault(-5),
  })
  .strict()
  .refine(adxBandsInOrder, adxBandsMessage);

export type RegimeConfig = z.infer<typeof regimeConfigSchema>;

/** Every parameter with its default filled in; throws a ZodError naming the offending field. */
export function resolveRegimeOptions(options: Partial<RegimeOptions> = {}): RegimeOptions {
  return regimeOptionsSchema.parse(options);
}

/**
 * The detector's parameters as plain numbers (holdTrend 1/0), the shape the strategy indicator catalog uses for
 * parameters, so that `{ type: "regime", maPeriod: 100 }` can be declared like any indicator. Without an argument:
 * the defaults (the catalog's `defaults`).
 */
export function regimeParameters(options: Partial<RegimeOptions> = {}): Record<string, number> {
  const o = resolveRegimeOptions(options);
  const params: Record<string, number> = {};
  for (const [key, value] of Object.entries(o)) params[key] = typeof value === "boolean" ? Number(value) : value;
  return params;
}

/** Inverse of {@link regimeParameters}: numeric catalog parameters to validated options. */
export function regimeOptionsFromParameters(params: Readonly<Record<string, number>>): RegimeOptions {
  const { holdTrend, ...rest } = params;
  return resolveRegimeOptions({ ...rest, ...(holdTrend !== undefined ? { holdTrend: holdTrend !== 0 } : {}) });
}
