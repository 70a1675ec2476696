import { z } from "zod";

const fraction = (fallback: number) => z.number().gt(0).lt(1).default(fallback);
const atrMultiple = (fallback: number) => z.number().gt(0).max(20).default(fallback);

/**
 * The `positionManagement` section: what happens to a position after it opened (algo-trading-lab seed, "Position
 * Management"). Percentages are fractions of the entry price (0.01 = 1 %); R is the initial stop distance.
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
        percent: fraction(0.02),
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
        percent: z.number().gt(0).max(10).default(0.06),
      })
      .strict()
      .prefault({}),
    trailingStop: z
      .object({
        enabled: z.boolean().default(true),
        /** Favourable move from entry (at the best price since entry) that switches the trail on. */
        activation: fraction(0.01),
        /** "percent": best price ∓ `percent`; "atr": best price ∓ `atrMultiple` × ATR. */
        method: z.enum(["percent", "atr"]).default("percent"),
        percent: fraction(0.005),
        atrMultiple: atrMultiple(1.5),
      })
      .strict()
      .prefault({}),
    breakEven: z
      .object({
        enabled: z.boolean().default(true),
        activation: fraction(0.005),
        /** The stop moves to entry ± this (in the trade's favour), to cover fees. */
        offset: z.number().min(0).lt(1).default(0.0005),
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
        defaultRiskPercent: fraction(0.02),
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
         * "distance": act when the mark has covered all but `distance` of the way from entry to the liquidation
         * price (0.25: 75 % of the margin is gone); "atr": when the mark is within `atrMultiple` ATR of it.
         */
        method: z.enum(["distance", "atr"]).default("distance"),
        distance: fraction(0.25),
        atrMultiple: atrMultiple(3),
        /** Share of the position closed each time the mark enters the danger zone. */
        reduceFraction: z.number().gt(0).max(1).default(0.5),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type PositionManagementConfig = z.infer<typeof positionManagementSchema>;
