import type { AegisConfig } from "../config/schema.js";
import { AutoRollback, attachAutoRollback, type LearnerVerdict } from "../engine/lifecycle/auto-rollback.js";
import { StrategyLifecycle } from "../engine/lifecycle/strategy-lifecycle.js";
import type { TradingSession } from "../engine/trading/trading-session.js";
import { readKillSwitchLatch } from "../risk/guards/kill-switch.js";
import { createStabilityLock } from "../risk/guards/stability-lock.js";
import type { RiskStateStore } from "../risk/state-store.js";
import type { Store } from "../store/store.js";

export interface TradeRollbackParts {
  readonly session: TradingSession;
  readonly store: Store;
  readonly config: AegisConfig;
  /** The live latches: the kill switch's (the trigger) and the stability lock's. */
  readonly latches: RiskStateStore;
  readonly log: { info(o: object, m: string): void; error(o: object, m: string): void };
  /** Called after each rollback made: `--strategy lifecycle` swaps the restored strategy in (trade-lifecycle.ts). */
  readonly afterRollback?: () => void;
}

/**
 * `aegis trade`'s automatic rollback (src/engine/lifecycle/auto-rollback.ts): a kill-switch trip rolls the
 * lifecycle back to the previous approved version; with none, the live strategy is retired and the session goes
 * flat (an emergency stop that closes every position; the trip already halted new entries). `followLearner` does
 * the same for an online learner's blocks: call the function it returns after every committed step.
 */
export function attachTradeRollback(parts: TradeRollbackParts): {
  idle: () => Promise<void>;
  followLearner: (learner: { readonly events: readonly LearnerVerdict[] }) => () => Promise<void>;
} {
  const { session, log } = parts;
  const rollback = new AutoRollback({
    lifecycle: new StrategyLifecycle(
      parts.store.strategies,
      createStabilityLock(parts.config.risk.stabilityLock, parts.latches),
      () => Date.now(),
    ),
    latches: parts.store.latches,
    now: () => Date.now(),
    alert: (alert) => session.bus.publish("ALERT", alert),
  });
  const onOutcome = (outcome: { restored: string | null; retired: string; reason: string }) => {
    log.info({ outcome }, "automatic rollback");
    if (outcome.restored === null) session.emergencyStop(`automatic rollback to flat: ${outcome.reason}`, true);
    parts.afterRollback?.();
  };
  const onError = (error: unknown) =>
    log.error({ err: error }, "automatic rollback failed; the lifecycle is unchanged");
  const wired = attachAutoRollback(session.bus, rollback, () => readKillSwitchLatch(parts.latches), onOutcome, onError);
  return {
    idle: wired.idle,
    followLearner: (learner) => {
      const poll = rollback.follow(learner);
      return () =>
        poll().then((outcomes) => {
          for (const outcome of outcomes) onOutcome(outcome);
        }, onError);
    },
  };
}
