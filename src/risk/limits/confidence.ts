import { z } from "zod";
import type { RiskLayer } from "../shield.js";
import { allow, deny, reduceOnlyAllowed } from "./common.js";

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
  return {
    name,
    phase: "limit",
    check(order) {
      if (order.reduceOnly) return reduceOnlyAllowed(name);
      const c = order.confidence;
      const shown = `confidence ${Number.isFinite(c) ? c.toFixed(2) : String(c)}`;
      // Written as "not ≥" so that NaN is denied too.
      if (!(c >= config.min)) return deny(name, `${shown} below the minimum ${config.min.toFixed(2)}`);
      return allow(name, `${shown}, minimum ${config.min.toFixed(2)}`);
    },
  };
}
