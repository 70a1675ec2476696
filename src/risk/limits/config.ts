import { z } from "zod";
import { createKillSwitch, type KillSwitchOptions, killSwitchSchema } from "../guards/kill-switch.js";
import { stabilityLockSchema } from "../guards/stability-lock.js";
import type { RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { confidenceSchema, minConfidence } from "./confidence.js";
import { dailyLossSchema, maxDailyLoss } from "./daily-loss.js";
import { exchangeConstraints, exchangeConstraintsSchema } from "./exchange-constraints.js";
import { exposureSchema, maxExposure } from "./exposure.js";
import { leverageSchema, maxLeverage } from "./leverage.js";
import { marginRatioSchema, maxMarginRatio } from "./margin-ratio.js";
import { maxOrderRate, orderRateSchema } from "./order-rate.js";
import { maxPositionSize, positionSizeSchema } from "./position-size.js";
import { maxTradesPerDay, tradesPerDaySchema } from "./trades-per-day.js";

/** The `limits` section: one entry per pre-trade limit, each with `enabled` and its threshold. */
export const limitsSchema = z
  .object({
    positionSize: positionSizeSchema.prefault({}),
    exposure: exposureSchema.prefault({}),
    dailyLoss: dailyLossSchema.prefault({}),
    tradesPerDay: tradesPerDaySchema.prefault({}),
    confidence: confidenceSchema.prefault({}),
    leverage: leverageSchema.prefault({}),
    exchangeConstraints: exchangeConstraintsSchema.prefault({}),
    orderRate: orderRateSchema.prefault({}),
    marginRatio: marginRatioSchema.prefault({}),
  })
  .strict();
export type LimitsConfig = z.infer<typeof limitsSchema>;

/** The three sections this module owns, as they sit under `risk:` in the config file. */
export const limitSectionsSchema = z
  .object({
    limits: limitsSchema.prefault({}),
    killSwitch: killSwitchSchema.prefault({}),
    stabilityLock: stabilityLockSchema.prefault({}),
  })
  .strict();
export type LimitSections = z.infer<typeof limitSectionsSchema>;

/**
 * Builds the enabled limit layers (and the kill switch) from the parsed config, in the order their verdicts are
 * most useful to read: the kill switch first (a halt outranks everything and its reason leads the record), then
 * the plain denials that need no arithmetic (leverage, confidence, venue rules), then the daily budgets (loss,
 * trade count, order rate), and last the caps that scale the size (position, exposure, margin). Every layer runs
 * on every order whatever the order; it only decides which reason the decision quotes first.
 *
 * `store` keeps the latches and daily counters: a SqliteStateStore for paper and live trading, a fresh
 * MemoryStateStore per backtest.
 */
export function createLimitLayers(
  config: Pick<LimitSections, "limits" | "killSwitch">,
  store: RiskStateStore,
  options: KillSwitchOptions = {},
): RiskLayer[] {
  const l = config.limits;
  const layers: (RiskLayer | undefined)[] = [
    createKillSwitch(config.killSwitch, store, options),
    l.leverage.enabled ? maxLeverage(l.leverage) : undefined,
    l.confidence.enabled ? minConfidence(l.confidence) : undefined,
    l.exchangeConstraints.enabled ? exchangeConstraints() : undefined,
    l.dailyLoss.enabled ? maxDailyLoss(l.dailyLoss, store) : undefined,
    l.tradesPerDay.enabled ? maxTradesPerDay(l.tradesPerDay, store) : undefined,
    l.orderRate.enabled ? maxOrderRate(l.orderRate) : undefined,
    l.positionSize.enabled ? maxPositionSize(l.positionSize) : undefined,
    l.exposure.enabled ? maxExposure(l.exposure) : undefined,
    l.marginRatio.enabled ? maxMarginRatio(l.marginRatio) : undefined,
  ];
  return layers.filter((layer): layer is RiskLayer => layer !== undefined);
}
