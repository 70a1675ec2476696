import { REGIMES, type RegimeLabel } from "../market-snapshot.js";
import type { RiskCheckResult, RiskLayer } from "../shield.js";

/** Size multiplier per regime, and for a bar whose regime is not known. */
export type RegimeMultipliers = Readonly<Record<RegimeLabel, number>> & { readonly unknown: number };

/** The seed's table: bull 120 %, bear 80 %, crash 30 %, sideways 70 %, high volatility 50 %; unknown neutral. */
export const DEFAULT_REGIME_MULTIPLIERS: RegimeMultipliers = {
  bull: 1.2,
  bear: 0.8,
  crash: 0.3,
  sideways: 0.7,
  highVolatility: 0.5,
  unknown: 1,
};

/**
 * Regime-adjusted sizing: size × the multiplier of the decision bar's regime (MarketSnapshot.regime, from the
 * regime detector). While the regime is unknown (detector warming up, or not running) the `unknown` multiplier
 * applies (1.0 by default) and the reason says the regime was unknown. An "adjust"-phase layer.
 */
export function createRegimeSizing(multipliers: RegimeMultipliers = DEFAULT_REGIME_MULTIPLIERS): RiskLayer {
  for (const [regime, value] of Object.entries(multipliers)) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`regime sizing: multiplier for ${regime} must be a finite number >= 0, got ${value}`);
    }
  }
  const name = "regime-sizing";
  const reducing: RiskCheckResult = Object.freeze({
    layer: name,
    verdict: "allow",
    reason: "reduces a position: not scaled",
  });
  const verdict = (scale: number, words: string): RiskCheckResult =>
    Object.freeze(
      scale === 1
        ? { layer: name, verdict: "allow", reason: words }
        : { layer: name, verdict: "scale", scale, reason: words },
    );
  // One verdict per regime, built once: the multipliers are fixed.
  const unknown = verdict(multipliers.unknown, `regime unknown: size × ${multipliers.unknown} (neutral default)`);
  const byRegime = new Map<string, RiskCheckResult>();
  for (const regime of REGIMES)
    byRegime.set(regime, verdict(multipliers[regime], `regime ${regime}: size × ${multipliers[regime]}`));
  return {
    name,
    phase: "adjust",
    check(order, context) {
      if (order.reduceOnly) return reducing;
      const regime = context.market.regime;
      return (regime === undefined ? undefined : byRegime.get(regime)) ?? unknown;
    },
  };
}
