import { z } from "zod";
import type { RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { CooldownProtection } from "./cooldown.js";
import { LowProfitLock } from "./low-profit.js";
import { DEFAULT_STOP_REASONS } from "./stop-exit.js";
import { StopLossGuard } from "./stop-loss-guard.js";

export const cooldownConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Cooldown in minutes after a stop-loss; 60 when neither minutes nor bars is given. */
    minutes: z.number().positive().optional(),
    /** Cooldown in bars of the symbol's series instead of minutes. */
    bars: z.number().int().positive().optional(),
  })
  .strict()
  .refine((value) => value.minutes === undefined || value.bars === undefined, {
    message: "give the cooldown in minutes or in bars, not both",
    path: ["bars"],
  });

export const stopLossGuardConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    stopLosses: z.number().int().min(1).default(3),
    windowHours: z.number().positive().default(24),
    lockHours: z.number().positive().default(6),
    scope: z.enum(["global", "symbol"]).default("global"),
  })
  .strict();

export const lowProfitConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    windowDays: z.number().positive().default(7),
    minTrades: z.number().int().min(1).default(3),
    /** Summed profit ratio of the window's trades, in percent, below which the symbol is locked. */
    minProfitPct: z.number().default(-5),
    lockHours: z.number().positive().default(12),
  })
  .strict();

/** `risk.protections` of the config file: freqtrade-style protections. */
export const protectionsConfigSchema = z
  .object({
    /** Exit reasons that count as a stop-loss (a reason followed by a detail also counts). */
    stopReasons: z
      .array(z.string().min(1))
      .min(1)
      .default([...DEFAULT_STOP_REASONS]),
    cooldown: cooldownConfigSchema.default(cooldownConfigSchema.parse({})),
    stopLossGuard: stopLossGuardConfigSchema.default(stopLossGuardConfigSchema.parse({})),
    lowProfit: lowProfitConfigSchema.default(lowProfitConfigSchema.parse({})),
  })
  .strict();

export type ProtectionsConfig = z.infer<typeof protectionsConfigSchema>;

const HOUR = 3_600_000;

/**
 * The enabled protections as "limit" layers of the shield. With a store (paper, live) running locks survive a
 * restart; the trade history they count starts empty unless the closed trades are replayed through `onFill`.
 */
export function createProtections(config: ProtectionsConfig, deps: { store?: RiskStateStore } = {}): RiskLayer[] {
  const store = deps.store ? { store: deps.store } : {};
  const layers: RiskLayer[] = [];
  const { cooldown, stopLossGuard, lowProfit } = config;
  if (cooldown.enabled) {
    layers.push(
      new CooldownProtection({
        ...(cooldown.bars !== undefined ? { bars: cooldown.bars } : { durationMs: (cooldown.minutes ?? 60) * 60_000 }),
        stopReasons: config.stopReasons,
        ...store,
      }),
    );
  }
  if (stopLossGuard.enabled) {
    layers.push(
      new StopLossGuard({
        stopLosses: stopLossGuard.stopLosses,
        windowMs: stopLossGuard.windowHours * HOUR,
        lockMs: stopLossGuard.lockHours * HOUR,
        scope: stopLossGuard.scope,
        stopReasons: config.stopReasons,
        ...store,
      }),
    );
  }
  if (lowProfit.enabled) {
    layers.push(
      new LowProfitLock({
        windowMs: lowProfit.windowDays * 24 * HOUR,
        minTrades: lowProfit.minTrades,
        minProfit: lowProfit.minProfitPct / 100,
        lockMs: lowProfit.lockHours * HOUR,
        ...store,
      }),
    );
  }
  return layers;
}
