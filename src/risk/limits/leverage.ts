import { z } from "zod";
import type { RiskLayer } from "../shield.js";
import { AllowCache, deny, reduceOnlyAllowed } from "./common.js";

export const leverageSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Highest leverage an opening order may use. */
    max: z.number().min(1).max(200).default(10),
  })
  .strict();
export type LeverageConfig = z.infer<typeof leverageSchema>;

/** Max leverage: an opening order with leverage above `max` (or below 1, or not a number) is denied. */
export function maxLeverage(config: Pick<LeverageConfig, "max">): RiskLayer {
  const name = "max-leverage";
  // Orders of a run share one or a few leverage settings: each allow reason is built once.
  const allowed = new AllowCache<number>(name);
  return {
    name,
    phase: "limit",
    check(order) {
      if (order.reduceOnly) return reduceOnlyAllowed(name);
      const l = order.leverage;
      if (!(l >= 1) || !Number.isFinite(l)) return deny(name, `leverage ${l} is not a number ≥ 1`);
      if (l > config.max) return deny(name, `leverage ${l}× above the maximum ${config.max}×`);
      return allowed.find(l) ?? allowed.add(l, `leverage ${l}×, max ${config.max}×`);
    },
  };
}
