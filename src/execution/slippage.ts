import type { CandleSeries } from "../domain/candles.js";
import type { OrderSide } from "../domain/order.js";

/**
 * How much worse than the reference price a taker fill is. Maker fills (resting limits, take-profits) get no
 * slippage: they trade at their own price or better.
 */
export interface SlippageModel {
  readonly description: string;
  /**
   * Fill price for a taker order of `side` at `reference` on bar `index` of `series`; `order` names the symbol and
   * size for models that need them (order-book depth).
   */
  price(side: OrderSide, reference: number, series: CandleSeries, index: number, order?: SlippageOrder): number;
}

/** The order a taker fill belongs to. */
export interface SlippageOrder {
  readonly symbol: string;
  readonly quantity: number;
}

export const noSlippage: SlippageModel = {
  description: "none",
  price: (_side, reference) => reference,
};

/**
 * Bounds that hold wherever slippage is set (config, CLI, grid workers): 1000 bps (10 %) is already far beyond any
 * liquid market, and a volatility multiplier above 1 would slip more than the whole previous bar's range. Every
 * model's slippage is capped at MAX_SLIPPAGE_BPS, so that no fill price can go to zero or below on a wide bar.
 */
export const MAX_SLIPPAGE_BPS = 1000;
export const MAX_VOLATILITY_MULTIPLIER = 1;
const MAX_SLIPPAGE_FRACTION = MAX_SLIPPAGE_BPS / 10_000;

/** A fixed cost in basis points of the price (5 bps = 0.05 %). */
export function fixedBps(bps: number): SlippageModel {
  if (!(bps >= 0 && bps <= MAX_SLIPPAGE_BPS))
    throw new RangeError(`slippage must be in [0, ${MAX_SLIPPAGE_BPS}] bps, got ${bps}`);
  const f = bps / 10_000;
  return {
    description: `fixed ${bps} bps`,
    price: (side, reference) => (side === "buy" ? reference * (1 + f) : reference * (1 - f)),
  };
}

/**
 * Slippage proportional to the previous bar's range ((high − low) / close) — wide bars, thin books. The previous
 * bar is used because the order is sent before the fill bar's range is known.
 */
export function volatilityScaled(multiplier: number): SlippageModel {
  if (!(multiplier >= 0 && multiplier <= MAX_VOLATILITY_MULTIPLIER))
    throw new RangeError(`the volatility multiplier must be in [0, ${MAX_VOLATILITY_MULTIPLIER}], got ${multiplier}`);
  return {
    description: `${multiplier} × previous bar range (at most ${MAX_SLIPPAGE_BPS} bps)`,
    price(side, reference, series, index) {
      const j = index > 0 ? index - 1 : index;
      const close = series.close[j] as number;
      const range = close > 0 ? ((series.high[j] as number) - (series.low[j] as number)) / close : 0;
      const f = Math.min(multiplier * range, MAX_SLIPPAGE_FRACTION);
      return side === "buy" ? reference * (1 + f) : reference * (1 - f);
    },
  };
}

/** Parses `--slippage`: `5` or `5bps` (fixed), `vol:0.1` (volatility-scaled); out-of-bounds values throw. */
export function parseSlippage(text: string): SlippageModel {
  const t = text.trim();
  const vol = /^vol(?:atility)?:([0-9.]+)$/i.exec(t);
  if (vol) return volatilityScaled(Number(vol[1]));
  const bps = /^([0-9.]+)\s*(bps)?$/i.exec(t);
  if (bps) return Number(bps[1]) === 0 ? noSlippage : fixedBps(Number(bps[1]));
  throw new RangeError(`invalid slippage "${text}" (examples: 5bps, 0, vol:0.1)`);
}
