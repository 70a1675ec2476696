import { z } from "zod";
import { percentAsFraction } from "../../domain/percent-schema.js";

/** A percentage of a price, written in percent (2 = 2 %); the position manager receives the fraction (0.02). */
const percent = (fallbackPercent: number) => percentAsFraction({ gt: 0, lt: 100 }).prefault(fallbackPercent);
const fraction = (fallback: number) => z.number().gt(0).lt(1).default(fallback);
const atrMultiple = (fallback: number) => z.number().gt(0).max(20).default(fallback);

/**
 * The `positionManagement` section: what happens to a position after it opened (algo-trading-lab seed, "Position
 * Management"). Percentages are written in percent of the entry price (1 = 1 %) and parsed into fractions (0.01),
 * so the position manager computes with fractions; shares of a quantity (`fraction`, `reduceFraction`) are 0–1.
 * R is the initial stop distance.
 */
export const positionManagementSchema = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * The "best price since entry" that break-even and the trailing stop measure from: "close" (bar closes, as a
     * bot acting on closed bars sees profit; a stop never lands beyond the last close) or "extreme" (bar highs of
     * a long, lows of a short, as the broker's attached trailing stop does).
     */
    bestPrice: z.enum(["close", "extreme"]).default("close"),
    stopLoss: z
      .object({
        enabled: z.boolean().default(true),
        /** "atr": entry ∓ ATR(14) × the regime's multiple; "percent": entry ∓ `percent`. */
        method: z.enum(["atr", "percent"]).default("atr"),
        /** Distance for method "percent", and when the ATR is not known yet. */
        percent: percent(2),
        atrMultiples: z
          .object({
            bull: atrMultiple(2.5),
            bear: atrMultiple(1.5),
            crash: atrMultiple(1),
            sideways: atrMultiple(2),
            highVolatility: atrMultiple(1.5),
            /** While the regime is not known (detector warming up or off). */
            unknown: atrMultiple(2),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    takeProfit: z
      .object({
        enabled: z.boolean().default(false),
        /** "r-multiple": entry ± rMultiple × R; "percent": entry ± `percent`. */
        method: z.enum(["r-multiple", "percent"]).default("r-multiple"),
        rMultiple: z.number().gt(0).max(100).default(3),
        percent: percentAsFraction({ gt: 0, max: 1000 }).prefault(6),
      })
      .strict()
      .prefault({}),
    trailingStop: z
      .object({
        enabled: z.boolean().default(true),
        /** Favourable move from entry (at the best price since entry) that switches the trail on. */
        activation: percent(1),
        /** "percent": best price ∓ `percent`; "atr": best price ∓ `atrMultiple` × ATR. */
        method: z.enum(["percent", "atr"]).default("percent"),
        percent: percent(0.5),
        atrMultiple: atrMultiple(1.5),
      })
      .strict()
      .prefault({}),
    breakEven: z
      .object({
        enabled: z.boolean().default(true),
        activation: percent(0.5),
        /** The stop moves to entry ± this (in the trade's favour), to cover fees. */
        offset: percentAsFraction({ min: 0, lt: 100 }).prefault(0.05),
      })
      .strict()
      .prefault({}),
    partialTakeProfit: z
      .object({
        enabled: z.boolean().default(true),
        /** Share of the opening quantity taken at each target. */
        fraction: fraction(0.25),
        rMultiples: z.array(z.number().gt(0).max(100)).max(10).default([1, 2, 3]),
        /** R when the position has no stop at all, as a fraction of entry (the seed's 1R = +2 %). */
        defaultRiskPercent: percent(2),
      })
      .strict()
      .refine((p) => p.fraction * p.rMultiples.length <= 1, {
        message: "fraction × number of targets must not exceed 1 (100 % of the position)",
        path: ["fraction"],
      })
      .prefault({}),
    timeExit: z
      .object({ enabled: z.boolean().default(false), bars: z.number().int().min(1).default(48) })
      .strict()
      .prefault({}),
    liquidationGuard: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * "distance": act when the mark has covered all but `distance` % of the way from entry to the liquidation
         * price (25: 75 % of the margin is gone); "atr": when the mark is within `atrMultiple` ATR of it.
         */
        method: z.enum(["distance", "atr"]).default("distance"),
        distance: percent(25),
        atrMultiple: atrMultiple(3),
        /** Share of the position closed each time the mark enters the danger zone. */
        reduceFraction: z.number().gt(0).max(1).default(0.5),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type PositionManagementConfig = z.infer<typeof positionManagementSchema>;
