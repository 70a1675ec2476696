import { z } from "zod";
import { bucketStart, isTimeframe, TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";

/** Market regimes of the simulated market, as stored per bar in `SimulatedMarket.regimes`. */
export const Regime = { Bull: 0, Bear: 1, Sideways: 2, HighVolatility: 3 } as const;
export type Regime = (typeof Regime)[keyof typeof Regime];

/** Names of the regimes, indexed by `Regime` value; also the keys of `regimes` in the options. */
export const REGIME_NAMES = ["bull", "bear", "sideways", "highVolatility"] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];

/** The name of a regime value, e.g. `regimeName(Regime.Bull) === "bull"`. */
export function regimeName(regime: Regime): RegimeName {
  const name = REGIME_NAMES[regime];
  if (name === undefined) throw new RangeError(`unknown regime ${regime} (expected 0..${REGIME_NAMES.length - 1})`);
  return name;
}

interface RegimeDefaults {
  meanDurationBars: number;
  annualDrift: number;
  annualVolatility: number;
  garchAlpha: number;
  garchBeta: number;
  tailDegreesOfFreedom: number;
  next: Partial<Record<RegimeName, number>>;
}

/**
 * Defaults tuned for hourly crypto bars (durations of weeks, BTC-like volatility). Drift and volatility are
 * annualised, so they scale with the timeframe; durations and GARCH persistence are per bar, so they do not.
 * With the volatility factors below they reproduce the stylized facts of Binance BTC/USDT 1h 2019–2026 (σ, kurtosis,
 * autocorrelation of |r| over an hour, a day and a week: `npm run bench -- sim-market` prints them side by side).
 * GARCH is the fast part of the clustering (half-life ~8 bars) and t(8) shocks keep its fourth moment finite, so
 * that the sample kurtosis settles on long runs instead of jumping with each extreme draw.
 */
const REGIME_DEFAULTS: Record<RegimeName, RegimeDefaults> = {
  bull: {
    meanDurationBars: 720,
    annualDrift: 1.0,
    annualVolatility: 0.57,
    garchAlpha: 0.12,
    garchBeta: 0.8,
    tailDegreesOfFreedom: 8,
    next: { sideways: 0.5, highVolatility: 0.3, bear: 0.2 },
  },
  bear: {
    meanDurationBars: 480,
    annualDrift: -0.8,
    annualVolatility: 0.76,
    garchAlpha: 0.12,
    garchBeta: 0.8,
    tailDegreesOfFreedom: 8,
    next: { sideways: 0.5, highVolatility: 0.3, bull: 0.2 },
  },
  sideways: {
    meanDurationBars: 360,
    annualDrift: 0,
    annualVolatility: 0.38,
    garchAlpha: 0.12,
    garchBeta: 0.8,
    tailDegreesOfFreedom: 8,
    next: { bull: 0.4, bear: 0.35, highVolatility: 0.25 },
  },
  highVolatility: {
    meanDurationBars: 96,
    annualDrift: -0.2,
    annualVolatility: 1.35,
    garchAlpha: 0.12,
    garchBeta: 0.8,
    tailDegreesOfFreedom: 8,
    next: { bear: 0.4, sideways: 0.35, bull: 0.25 },
  },
};

const weight = z.number().min(0).max(1_000_000);

function regimeSchema(name: RegimeName) {
  const d = REGIME_DEFAULTS[name];
  return z
    .object({
      /** Expected bars before leaving the regime (geometric durations: leave with probability 1/mean per bar). */
      meanDurationBars: z.number().min(1).max(1e9).default(d.meanDurationBars),
      /** Expected log return per year (365 days of 24 h: crypto trades every day). */
      annualDrift: z.number().min(-100).max(100).default(d.annualDrift),
      /** Long-run standard deviation of log returns per year; GARCH reverts towards it. */
      annualVolatility: z.number().positive().max(50).default(d.annualVolatility),
      garchAlpha: z.number().min(0).max(1).default(d.garchAlpha),
      garchBeta: z.number().min(0).max(1).default(d.garchBeta),
      /** Student-t degrees of freedom of the shocks (> 2, so that the variance exists); lower = fatter tails. */
      tailDegreesOfFreedom: z.number().gt(2).max(1000).default(d.tailDegreesOfFreedom),
      /** Relative weights of the regime entered when this one ends; a row given here replaces the default row. */
      next: z
        .object({
          bull: weight.optional(),
          bear: weight.optional(),
          sideways: weight.optional(),
          highVolatility: weight.optional(),
        })
        .strict()
        .default(() => ({ ...d.next })),
    })
    .strict()
    .superRefine((regime, context) => {
      // zod runs this even when a field failed; check only what parsed.
      if (
        typeof regime.garchAlpha === "number" &&
        typeof regime.garchBeta === "number" &&
        regime.garchAlpha + regime.garchBeta >= 1
      ) {
        context.addIssue({
          code: "custom",
          path: ["garchBeta"],
          message: `garchAlpha + garchBeta must be < 1 for a stationary variance, got ${regime.garchAlpha} + ${regime.garchBeta}`,
        });
      }
      if (typeof regime.next !== "object" || regime.next === null) return;
      if ((regime.next[name] ?? 0) !== 0) {
        context.addIssue({ code: "custom", path: ["next", name], message: "a regime cannot switch to itself" });
      }
      if (REGIME_NAMES.every((other) => (regime.next[other] ?? 0) === 0)) {
        context.addIssue({
          code: "custom",
          path: ["next"],
          message: "needs a positive weight for at least one regime",
        });
      }
    });
}

const flashCrashSchema = z
  .object({
    /** Bounds of the drop from the crash bar's open to its low, as a fraction (0.1 = −10 %). */
    minDrop: z.number().gt(0).lt(1).default(0.05),
    maxDrop: z.number().gt(0).lt(1).default(0.15),
    /** Bounds of the share of the drop (in log terms) recovered by the end of the rebound. */
    minRebound: z.number().min(0).max(1).default(0.3),
    maxRebound: z.number().min(0).max(1).default(0.7),
    /** Bars after the crash bar over which the rebound is spread. */
    reboundBars: z.number().int().min(1).max(10_000).default(6),
    /** Volume of the crash bar relative to a normal bar; it halves back towards normal with every rebound bar. */
    volumeMultiplier: z.number().min(1).max(1000).default(8),
    /** The conditional volatility jumps to at least this multiple of the regime's long-run level after a crash. */
    volatilityMultiplier: z.number().min(1).max(100).default(3),
  })
  .strict()
  .superRefine((crash, context) => {
    if (typeof crash.minDrop === "number" && typeof crash.maxDrop === "number" && crash.minDrop > crash.maxDrop) {
      context.addIssue({ code: "custom", path: ["maxDrop"], message: `must be >= minDrop (${crash.minDrop})` });
    }
    if (
      typeof crash.minRebound === "number" &&
      typeof crash.maxRebound === "number" &&
      crash.minRebound > crash.maxRebound
    ) {
      context.addIssue({
        code: "custom",
        path: ["maxRebound"],
        message: `must be >= minRebound (${crash.minRebound})`,
      });
    }
  });

const volatilityFactorSchema = z
  .object({
    /** Bars for the factor's deviation from its mean to halve; 0 draws it afresh every bar (fatter-tailed shocks). */
    halfLifeBars: z.number().min(0).max(1e9),
    /** Stationary standard deviation of the factor's share of ln σ (0 switches it off). */
    logSd: z.number().min(0).max(2),
  })
  .strict();

/**
 * Slow factors of log volatility, on top of each regime's GARCH: their spread of half-lives (hours, a week, months)
 * is what keeps |returns| autocorrelated for weeks, as on real crypto markets, where one GARCH(1,1) forgets within a
 * day. Tuned with the regimes and GARCH below against Binance BTC/USDT 1h 2019–2026 (see stylized-facts.test.ts).
 */
const DEFAULT_VOLATILITY_FACTORS = [
  // Drawn afresh every bar: a log-normal mix of the t shocks, the fat tails of real hourly returns without t(ν < 4),
  // whose sample kurtosis never settles.
  { halfLifeBars: 0, logSd: 0.5 },
  // Two months: the slow swings between calm and agitated markets that keep |r| correlated over a week.
  { halfLifeBars: 1500, logSd: 0.42 },
];

const startTimeSchema = z
  .union(
    [
      z.number().int(),
      z.date().transform((date) => date.getTime()),
      z
        .string()
        .refine((text) => !Number.isNaN(Date.parse(text)))
        .transform((text) => Date.parse(text)),
    ],
    { error: "expected Unix ms, an ISO 8601 date such as 2024-01-01T00:00:00Z, or a Date" },
  )
  .default(Date.UTC(2024, 0, 1));

/**
 * Options of `simulateMarket`, all optional. Every object is strict: a misspelt key is an error naming it rather
 * than a silently ignored setting.
 */
export const simulatedMarketOptionsSchema = z
  .object({
    seed: z.union([z.number(), z.string()], { error: "expected a finite number or a string" }).default(42),
    bars: z.number().int().positive().max(100_000_000).default(10_000),
    timeframe: z.enum(Object.keys(TIMEFRAMES) as [Timeframe, ...Timeframe[]]).default("1h"),
    /** Open time of the first bar (Unix ms, ISO string or Date); must be aligned to the timeframe. */
    startTime: startTimeSchema,
    startPrice: z.number().positive().max(1e12).default(30_000),
    symbol: z.string().min(1).default("SIM/USDT"),
    tickSize: z.number().positive().max(1e6).default(0.01),
    /** Typical volume of one bar in base units; actual volume scales with volatility and the size of the move. */
    baseVolume: z.number().positive().max(1e15).default(100),
    /**
     * Probability that a given bar is a flash crash. The default, one every ~2.3 years of hours, is about what
     * BTC/USDT shows; more often, a handful of crash bars would set the kurtosis of the whole series.
     */
    flashCrashProbability: z
      .number()
      .min(0)
      .max(1)
      .default(1 / 20_000),
    flashCrash: flashCrashSchema.prefault({}),
    volatilityFactors: z
      .array(volatilityFactorSchema)
      .max(8)
      .default(() => DEFAULT_VOLATILITY_FACTORS.map((factor) => ({ ...factor }))),
    /** Intraday and weekly volatility pattern (US open busiest, weekends calm) on timeframes shorter than a week. */
    seasonality: z.boolean().default(true),
    /**
     * Half-life in years of a weak pull of the log price back towards `startPrice`; together with a drift centred on
     * the regimes' long-run mix, it keeps the price in a realistic band on runs of any length (years apart, it is
     * far below the noise; without it the log price is a random walk that ends at the tick or at 1e9 in centuries).
     */
    anchorHalfLifeYears: z.number().min(0.01).max(1e6).default(4),
    initialRegime: z.enum(REGIME_NAMES).default("sideways"),
    regimes: z
      .object({
        bull: regimeSchema("bull").prefault({}),
        bear: regimeSchema("bear").prefault({}),
        sideways: regimeSchema("sideways").prefault({}),
        highVolatility: regimeSchema("highVolatility").prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((options, context) => {
    // zod runs this even when a field above failed; check only what parsed.
    const { startTime, timeframe, startPrice, tickSize } = options;
    if (!Number.isFinite(startTime) || !isTimeframe(timeframe) || !(startPrice > 0) || !(tickSize > 0)) return;
    if (bucketStart(options.startTime, options.timeframe) !== options.startTime) {
      context.addIssue({
        code: "custom",
        path: ["startTime"],
        message: `${new Date(options.startTime).toISOString()} is not the start of a ${options.timeframe} bar`,
      });
    }
    if (options.startPrice < 10 * options.tickSize) {
      context.addIssue({
        code: "custom",
        path: ["startPrice"],
        message: `must be at least 10 ticks (${options.tickSize})`,
      });
    }
  });

/** What `simulateMarket` accepts: every field optional. */
export type SimulateMarketOptions = z.input<typeof simulatedMarketOptionsSchema>;
/** The fully resolved configuration (defaults filled in, startTime in Unix ms), as recorded with a run. */
export type SimulatedMarketConfig = z.output<typeof simulatedMarketOptionsSchema>;
export type RegimeConfig = SimulatedMarketConfig["regimes"][RegimeName];

/** Validates `options` and fills in defaults; throws a RangeError listing every bad field with its value. */
export function resolveSimulatedMarketOptions(options: unknown = {}): SimulatedMarketConfig {
  const result = simulatedMarketOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${[...path, key].join(".")}: unknown option`).join("; ");
    }
    const at = path.length > 0 ? path.join(".") : "(options)";
    const value = valueAt(options, path);
    return value.found ? `${at}: ${formatValue(value.value)} (${issue.message})` : `${at}: ${issue.message}`;
  });
  throw new RangeError(`invalid simulated market options: ${problems.join("; ")}`);
}

function valueAt(root: unknown, path: readonly string[]): { found: boolean; value: unknown } {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key))
      return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[key];
  }
  return { found: true, value: node };
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}
