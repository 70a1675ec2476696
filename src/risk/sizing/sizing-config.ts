import { z } from "zod";
import { percentAsFraction } from "../../domain/percent-schema.js";
import type { ClosedTrade } from "../../domain/trade.js";
import type { RiskLayer } from "../shield.js";
import { createConfidenceScaling } from "./confidence-scaling.js";
import { kellySizer } from "./kelly.js";
import { createRegimeSizing } from "./regime-sizing.js";
import { parseSize } from "./size-rule.js";
import { fixedSizer } from "./sizer.js";
import { createSizingLayer } from "./sizing-layer.js";
import { volatilityTargetSizer } from "./volatility-target.js";

/** A size as the CLI's `--size` reads it: `1` (base units), `1000USDT` (quote), `10%` (of equity). */
const sizeText = z.string().superRefine((text, context) => {
  try {
    parseSize(text);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
  }
});

const multiplier = (fallback: number) => z.number().min(0).max(10).default(fallback);

export const sizingConfigSchema = z
  .object({
    /**
     * The base size of a new position. "strategy": the slot's `--size` or the strategy's own (no layer);
     * "fixed": `size`; "kelly": capped fractional Kelly from the recent closed trades; "volatility-target": the
     * position's annualised volatility = `volatilityTarget.target` of equity.
     */
    method: z.enum(["strategy", "fixed", "kelly", "volatility-target"]).default("strategy"),
    /** For method "fixed". */
    size: sizeText.default("10%"),
    kelly: z
      .object({
        fraction: z.number().gt(0).max(1).default(0.5),
        /** Largest position Kelly may ask for, in % of equity. */
        cap: percentAsFraction({ gt: 0, max: 100 }).prefault(25),
        minTrades: z.number().int().min(1).default(20),
        lookbackTrades: z.number().int().min(1).default(100),
        scope: z.enum(["all", "symbol"]).default("all"),
        /** Used while there are fewer than `minTrades` closed trades. */
        fallbackSize: sizeText.default("5%"),
      })
      .strict()
      .refine((k) => k.lookbackTrades >= k.minTrades, {
        message: "lookbackTrades must be >= minTrades",
        path: ["lookbackTrades"],
      })
      .prefault({}),
    volatilityTarget: z
      .object({
        /** Annualised volatility of the position, in % of equity (20 = 20 %). */
        target: percentAsFraction({ gt: 0, max: 500 }).prefault(20),
        maxExposure: z.number().gt(0).max(100).default(1),
        /** Used while the volatility warms up. */
        fallbackSize: sizeText.default("5%"),
      })
      .strict()
      .prefault({}),
    confidenceScaling: z
      .object({ enabled: z.boolean().default(true), exponent: z.number().min(0).max(10).default(1.5) })
      .strict()
      .prefault({}),
    regimeAdjustment: z
      .object({
        enabled: z.boolean().default(true),
        bull: multiplier(1.2),
        bear: multiplier(0.8),
        crash: multiplier(0.3),
        sideways: multiplier(0.7),
        highVolatility: multiplier(0.5),
        /** While the regime is not known (detector warming up or off). */
        unknown: multiplier(1),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type SizingConfig = z.infer<typeof sizingConfigSchema>;

export interface SizingDependencies {
  /** Closed trades from before this run (the store after a restart), for Kelly. */
  readonly history?: readonly ClosedTrade[];
}

/**
 * The sizing layers of the risk shield for a parsed `sizing` section, in the order they appear in the decision
 * record: the base-size method (none for "strategy"), confidence scaling, regime adjustment. All are "adjust"-phase
 * layers; their scales multiply.
 */
export function createSizingLayers(config: SizingConfig, deps: SizingDependencies = {}): RiskLayer[] {
  const layers: RiskLayer[] = [];
  switch (config.method) {
    case "strategy":
      break;
    case "fixed":
      layers.push(createSizingLayer("sizing:fixed", fixedSizer(parseSize(config.size)), deps.history));
      break;
    case "kelly": {
      const { fallbackSize, ...options } = config.kelly;
      layers.push(createSizingLayer("sizing:kelly", kellySizer(options, parseSize(fallbackSize)), deps.history));
      break;
    }
    case "volatility-target": {
      const { fallbackSize, ...options } = config.volatilityTarget;
      layers.push(
        createSizingLayer(
          "sizing:volatility-target",
          volatilityTargetSizer(options, parseSize(fallbackSize)),
          deps.history,
        ),
      );
      break;
    }
  }
  if (config.confidenceScaling.enabled) layers.push(createConfidenceScaling(config.confidenceScaling.exponent));
  const { enabled: regimeEnabled, ...multipliers } = config.regimeAdjustment;
  if (regimeEnabled) layers.push(createRegimeSizing(multipliers));
  return layers;
}
