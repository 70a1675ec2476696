import { z } from "zod";
import { regimeConfigSchema } from "../strategy/regime/regime-config.js";
import { contextConfigSchema } from "./context/config.js";
import { killSwitchSchema } from "./guards/kill-switch.js";
import { stabilityLockSchema } from "./guards/stability-lock.js";
import { leverageGuardSchema } from "./leverage/volatility-leverage.js";
import { limitsSchema } from "./limits/config.js";
import { positionManagementSchema } from "./position/position-config.js";
import { protectionsConfigSchema } from "./protections/config.js";
import { sizingConfigSchema } from "./sizing/sizing-config.js";

/**
 * The `risk:` section of the config file: every layer of the shield, position management and sizing, each
 * switchable. The numbers default to the seeds' (10 % position, 30 % exposure, 2 % daily loss, 3 %/h kill switch…).
 *
 * Two defaults are deliberately off: position management (break-even, trailing, partial take-profit) and
 * regime-adjusted sizing change what a strategy does, so a user switches them on knowingly; everything that only
 * protects (limits, kill switch, protections, context multipliers, leverage guard) is on.
 */
export const riskConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    limits: limitsSchema.prefault({}),
    killSwitch: killSwitchSchema.prefault({}),
    stabilityLock: stabilityLockSchema.prefault({}),
    context: contextConfigSchema.prefault({}),
    protections: protectionsConfigSchema.prefault({}),
    regime: regimeConfigSchema.prefault({}),
    sizing: sizingConfigSchema.prefault({ regimeAdjustment: { enabled: false } }),
    positionManagement: positionManagementSchema.prefault({ enabled: false }),
    leverageGuard: leverageGuardSchema.prefault({}),
  })
  .strict();

export type RiskConfig = z.infer<typeof riskConfigSchema>;
