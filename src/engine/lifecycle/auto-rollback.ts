import { LifecycleError, type StrategyLifecycle } from "./strategy-lifecycle.js";

/** Key → value latches in the store (the store's LatchesRepository is one): what was already rolled back. */
export interface RollbackLatches {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, time: number): Promise<void>;
}

/** A learner's verdict on a strategy (the online learner's LearnerEvent). */
export interface LearnerVerdict {
  readonly time: number;
  readonly strategy: string;
  readonly kind: string;
  readonly reason: string;
}

export interface RollbackOutcome {
  readonly trigger: "kill-switch" | "online-learner";
  /** The strategy that was live and is retired now. */
  readonly retired: string;
  /** The previous approved version, live again; null when there was none and the lifecycle went flat. */
  readonly restored: string | null;
  readonly reason: string;
}

export interface AutoRollbackOptions {
  readonly lifecycle: StrategyLifecycle;
  readonly latches: RollbackLatches;
  readonly now: () => number;
  readonly alert: (alert: { time: number; level: "critical"; message: string; kind: "strategy-rollback" }) => void;
}

/** Who the stored transitions name for the rollbacks this class makes. */
export const AUTO_ROLLBACK_BY = "auto-rollback";

/**
 * Automatic rollback (issue 10): when the kill switch trips, or the online learner blocks the live strategy, the
 * lifecycle goes back to the strategy the live one replaced (the previous approved version), or, when there is
 * none, retires the live one and is flat. Each rollback is a stored transition that says why and an alert.
 *
 * Each trigger acts at most once: a restart publishes the latched kill switch again, and a learner's block stays in
 * its event list, so the trigger's identity (the trip's time, the block's strategy and time) is latched in the
 * store *before* the lifecycle moves. A crash between the two leaves the latch "started": the next start does not
 * roll back a second time (that would retire the restored version too) but says so in an alert for a person.
 */
export class AutoRollback {
  readonly #o: AutoRollbackOptions;

  constructor(options: AutoRollbackOptions) {
    this.#o = options;
  }

  /** The kill switch tripped (its latch: when and why). */
  onKillSwitch(trip: { time: number; reason: string }): Promise<RollbackOutcome | undefined> {
    return this.#rollback("kill-switch", `auto-rollback:kill-switch:${trip.time}`, `kill switch: ${trip.reason}`);
  }

  /** A learner's event; only a block of the strategy that is live (by id or name) rolls back. */
  async onLearnerEvent(event: LearnerVerdict): Promise<RollbackOutcome | undefined> {
    if (event.kind !== "blocked") return undefined;
    const current = await this.#current();
    if (!current || (current.id !== event.strategy && current.name !== event.strategy)) return undefined;
    return this.#rollback(
      "online-learner",
      `auto-rollback:online-learner:${event.strategy}:${event.time}`,
      `online learner blocked ${event.strategy}: ${event.reason}`,
    );
  }

  /**
   * Follows a learner's event list (the online learner appends to `events`): each call handles the events added
   * since the last one. Call it after every committed step.
   */
  follow(learner: { readonly events: readonly LearnerVerdict[] }): () => Promise<RollbackOutcome[]> {
    let seen = 0;
    return async () => {
      const fresh = learner.events.slice(seen);
      seen = learner.events.length;
      const outcomes: RollbackOutcome[] = [];
      for (const event of fresh) {
        const outcome = await this.onLearnerEvent(event);
        if (outcome) outcomes.push(outcome);
      }
      return outcomes;
    };
  }

  async #current(): Promise<{ id: string; name?: string } | undefined> {
    const strategies = this.#o.lifecycle.strategies;
    return ((await strategies.list("live"))[0] ?? (await strategies.list("live-small"))[0]) as
      | { id: string; name?: string }
      | undefined;
  }

  async #rollback(trigger: RollbackOutcome["trigger"], key: string, why: string): Promise<RollbackOutcome | undefined> {
    const { lifecycle, latches, now, alert } = this.#o;
    const done = await latches.get(key);
    if (done !== undefined) {
      if ((JSON.parse(done) as { state?: string }).state === "started")
        alert({
          time: now(),
          level: "critical",
          message: `an automatic rollback (${why}) was interrupted by a crash and is not repeated: check \`aegis strategies list\``,
          kind: "strategy-rollback",
        });
      await latches.set(key, JSON.stringify({ state: "reported" }), now());
      return undefined;
    }
    const current = await this.#current();
    if (!current) return undefined; // nothing live in the lifecycle: nothing to roll back
    await latches.set(key, JSON.stringify({ state: "started", live: current.id }), now());
    let outcome: RollbackOutcome;
    try {
      const { retired, restored } = await lifecycle.rollback({ by: AUTO_ROLLBACK_BY, reason: why });
      outcome = { trigger, retired, restored, reason: why };
    } catch (error) {
      if (!(error instanceof LifecycleError && /nothing to roll back to/.test(error.message))) throw error;
      await lifecycle.retire(current.id, {
        by: AUTO_ROLLBACK_BY,
        reason: `rolled back to flat (no previous version): ${why}`,
      });
      outcome = { trigger, retired: current.id, restored: null, reason: why };
    }
    await latches.set(key, JSON.stringify({ state: "done", ...outcome }), now());
    alert({
      time: now(),
      level: "critical",
      message:
        outcome.restored === null
          ? `automatic rollback: ${outcome.retired} retired, no previous version: flat (${why})`
          : `automatic rollback: ${outcome.retired} retired, ${outcome.restored} live again (${why})`,
      kind: "strategy-rollback",
    });
    return outcome;
  }
}

/**
 * Wires the kill-switch trigger to an engine bus: every KILL_SWITCH (the trip, and its replay at each restart
 * while latched) asks `latch` for the trip it belongs to; an operator's emergency stop, which halts without a
 * latch, rolls nothing back. `onOutcome` hears each rollback made (the session goes flat when there is no
 * previous version). Returns `idle` (waits for the rollbacks in progress) and `detach`.
 */
export function attachAutoRollback(
  bus: { on(name: "KILL_SWITCH", handler: (e: { time: number; reason: string }) => void): () => void },
  rollback: AutoRollback,
  latch: () => { time: number; reason: string } | undefined,
  onOutcome: (outcome: RollbackOutcome) => void,
  onError: (error: unknown) => void,
): { idle: () => Promise<void>; detach: () => void } {
  let work: Promise<void> = Promise.resolve();
  const detach = bus.on("KILL_SWITCH", () => {
    const trip = latch();
    if (!trip) return;
    work = work
      .then(async () => {
        const outcome = await rollback.onKillSwitch(trip);
        if (outcome) onOutcome(outcome);
      })
      .catch(onError);
  });
  return {
    idle: async () => {
      let last: Promise<void>;
      do {
        last = work;
        await last;
      } while (last !== work);
    },
    detach,
  };
}
