import { quantityFor, type SizeRule } from "./size-rule.js";
import { describeSizeRule, type Sizer } from "./sizer.js";

export interface VolatilityTargetOptions {
  /** Annualised volatility of the position as a share of equity (0.2 = 20 %). */
  readonly target: number;
  /** Largest notional as a multiple of equity (1 = never more than equity). */
  readonly maxExposure: number;
}

/**
 * Volatility targeting: the notional N such that N × σ_annual = target × equity, where σ_annual is the market
 * snapshot's per-bar volatility (std of log returns over 20 bars) × sqrt(bars per year). Quantity = N / price,
 * capped at `maxExposure` × equity (less the taker fee, as for a share of equity). While the volatility warms up
 * (NaN) or the series has no known bar length, `fallback` is used and the reason says so.
 */
export function volatilityTargetSizer(options: VolatilityTargetOptions, fallback: SizeRule): Sizer {
  const fallbackWords = describeSizeRule(fallback);
  return (input) => {
    const { market, price, equity, takerFee, leverage } = input;
    const annual = market.volatility * Math.sqrt(market.periodsPerYear);
    if (!(annual > 0) || !Number.isFinite(annual)) {
      return {
        quantity: quantityFor(fallback, price, equity, takerFee, leverage),
        reason: `volatility target n/a (volatility ${market.volatility}, ${market.periodsPerYear} bars a year): fallback ${fallbackWords}`,
      };
    }
    const wanted = (options.target * Math.max(0, equity)) / annual / price;
    const cap = quantityFor({ type: "percent-equity", value: options.maxExposure * 100 }, price, equity, takerFee, 1);
    const quantity = Math.min(wanted, cap);
    const words = `volatility target ${options.target} / annualised ${annual.toFixed(4)} = ${(options.target / annual).toFixed(4)} × equity`;
    return { quantity, reason: quantity < wanted ? `${words}, capped at ${options.maxExposure} × equity` : words };
  };
}
