import { z } from "zod";
import type { RiskLayer } from "../shield.js";
import { AllowCache, deny, reduceOnlyAllowed } from "./common.js";

export const confidenceSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Lowest combined decision confidence (0..1) that may open a position. */
    min: z.number().min(0).max(1).default(0.7),
  })
  .strict();
export type ConfidenceConfig = z.infer<typeof confidenceSchema>;

/** Minimum confidence: an order whose decision confidence is below `min` (or not a number) is denied. */
export function minConfidence(config: Pick<ConfidenceConfig, "min">): RiskLayer {
  const name = "min-confidence";
  const shown = (c: number) => `confidence ${Number.isFinite(c) ? c.toFixed(2) : String(c)}`;
  // Rule-based strategies repeat a handful of confidences: each allow reason is built once.
  const allowed = new AllowCache<number>(name);
  return {
    name,
    phase: "limit",
    check(order) {
      if (order.reduceOnly) return reduceOnlyAllowed(name);
      const c = order.confidence;
      // Written as "not ≥" so that NaN is denied too.
      if (!(c >= config.min)) return deny(name, `${shown(c)} below the minimum ${config.min.toFixed(2)}`);
      return allowed.find(c) ?? allowed.add(c, `${shown(c)}, minimum ${config.min.toFixed(2)}`);
    },
  };
}
