import type { ShadowSignificance } from "../../engine/shadow/promotion.js";
import { dailyReturns, pairedSignificance } from "./paired-significance.js";

export type { ShadowSignificance };

/** The paired test needs this many daily returns of both accounts (pairedSignificance refuses fewer). */
export const MIN_PAIRED_DAYS = 10;

/**
 * Tests a shadow's stored equity against the live equity stored beside it at every step (shadow_equity). Days are
 * UTC days: each day's last equity of both accounts, so intraday steps of a 1m session do not count as independent
 * observations (their returns are strongly autocorrelated; a day is the unit AlphaWEEX's Sharpe uses too).
 */
export function shadowSignificance(
  points: readonly { readonly time: number; readonly equity: number; readonly liveEquity: number }[],
): ShadowSignificance {
  const time = Float64Array.from(points, (p) => p.time);
  const shadow = dailyReturns(
    time,
    Float64Array.from(points, (p) => p.equity),
  );
  const live = dailyReturns(
    time,
    Float64Array.from(points, (p) => p.liveEquity),
  );
  const days = shadow.returns.length;
  if (days < MIN_PAIRED_DAYS)
    return {
      pValue: null,
      bootstrapPValue: null,
      days,
      pending: `${days} of ${MIN_PAIRED_DAYS} paired days for the test against live`,
    };
  const bad = [...shadow.returns, ...live.returns].some((r) => !Number.isFinite(r));
  if (bad)
    return { pValue: null, bootstrapPValue: null, days, pending: "an equity of zero or less: no daily return to test" };
  const test = pairedSignificance(shadow.returns, live.returns, { seed: 1 });
  return { pValue: test.pValue, bootstrapPValue: test.bootstrapPValue, days };
}
