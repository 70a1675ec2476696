/** Bar durations Aegis understands, in the notation exchanges and CCXT use. */
export const TIMEFRAMES = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
  "3d": 259_200_000,
  "1w": 604_800_000,
} as const;

export type Timeframe = keyof typeof TIMEFRAMES;

export function isTimeframe(value: string): value is Timeframe {
  return Object.hasOwn(TIMEFRAMES, value);
}

/** Milliseconds in one bar of `timeframe`; throws on an unknown name so a typo never becomes NaN downstream. */
export function timeframeMs(timeframe: string): number {
  if (!isTimeframe(timeframe)) {
    throw new RangeError(`unknown timeframe "${timeframe}" (expected one of ${Object.keys(TIMEFRAMES).join(", ")})`);
  }
  return TIMEFRAMES[timeframe];
}

/**
 * Start of the bucket of `timeframe` that contains `timestampMs`.
 * Weekly buckets start on Monday 00:00 UTC, as on Binance; the Unix epoch was a Thursday, hence the 3-day shift.
 */
export function bucketStart(timestampMs: number, timeframe: Timeframe): number {
  const ms = TIMEFRAMES[timeframe];
  if (timeframe === "1w") {
    const shift = 3 * 86_400_000;
    return Math.floor((timestampMs + shift) / ms) * ms - shift;
  }
  return Math.floor(timestampMs / ms) * ms;
}
