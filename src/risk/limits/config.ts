import { z } from "zod";
import type { RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { confidenceSchema, minConfidence } from "./confidence.js";
import { correlationSchema, maxCorrelatedExposure } from "./correlation.js";
import { dailyLossSchema, maxDailyLoss } from "./daily-loss.js";
import { exchangeConstraints, exchangeConstraintsSchema } from "./exchange-constraints.js";
import { exposureSchema, maxExposure } from "./exposure.js";
import { leverageSchema, maxLeverage } from "./leverage.js";
import { marginRatioSchema, maxMarginRatio } from "./margin-ratio.js";
import { maxOpenTrades, openTradesSchema } from "./open-trades.js";
import { maxOrderRate, orderRateSchema } from "./order-rate.js";
import { maxPositionSize, positionSizeSchema } from "./position-size.js";
import { maxTradesPerDay, tradesPerDaySchema } from "./trades-per-day.js";

/** The `limits` section: one entry per pre-trade limit, each with `enabled` and its threshold. */
export const limitsSchema = z
  .object({
    positionSize: positionSizeSchema.prefault({}),
    exposure: exposureSchema.prefault({}),
    correlation: correlationSchema.prefault({}),
    dailyLoss: dailyLossSchema.prefault({}),
    tradesPerDay: tradesPerDaySchema.prefault({}),
    openTrades: openTradesSchema.prefault({}),
    confidence: confidenceSchema.prefault({}),
    leverage: leverageSchema.prefault({}),
    exchangeConstraints: exchangeConstraintsSchema.prefault({}),
    orderRate: orderRateSchema.prefault({}),
    marginRatio: marginRatioSchema.prefault({}),
  })
  .strict();
export type LimitsConfig = z.infer<typeof limitsSchema>;

/**
 * Builds the enabled limit layers from the parsed `limits` section, in the order their verdicts are most useful to
 * read (the kill switch, a guard, goes before all of them: a halt outranks everything): the plain denials that need
 * no arithmetic (leverage, confidence, venue rules), then the daily budgets (loss, trade count, order rate) and the
 * count of open trades, and last the caps that scale the size (position, exposure, correlated exposure, margin).
 * Every layer runs on every order whatever the order; it only decides which reason the decision quotes first.
 *
 * `store` keeps the latches and daily counters: a SqliteStateStore for paper and live trading, a fresh
 * MemoryStateStore per backtest.
 */
export function createLimitLayers(l: LimitsConfig, store: RiskStateStore): RiskLayer[] {
  const layers: (RiskLayer | undefined)[] = [
    l.leverage.enabled ? maxLeverage(l.leverage) : undefined,
    l.confidence.enabled ? minConfidence(l.confidence) : undefined,
    l.exchangeConstraints.enabled ? exchangeConstraints() : undefined,
    l.dailyLoss.enabled ? maxDailyLoss(l.dailyLoss, store) : undefined,
    l.tradesPerDay.enabled ? maxTradesPerDay(l.tradesPerDay, store) : undefined,
    l.openTrades.enabled ? maxOpenTrades(l.openTrades) : undefined,
    l.orderRate.enabled ? maxOrderRate(l.orderRate) : undefined,
    l.positionSize.enabled ? maxPositionSize(l.positionSize) : undefined,
    l.exposure.enabled ? maxExposure(l.exposure) : undefined,
    l.correlation.enabled ? maxCorrelatedExposure(l.correlation) : undefined,
    l.marginRatio.enabled ? maxMarginRatio(l.marginRatio) : undefined,
  ];
  return layers.filter((layer): layer is RiskLayer => layer !== undefined);
}
