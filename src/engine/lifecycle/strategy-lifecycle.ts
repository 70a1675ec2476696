import type { StrategyStatus, StrategyTransition, TransitionNumbers } from "../../domain/strategy-status.js";
import type { StabilityLock } from "../../risk/guards/stability-lock.js";

/** A stored strategy, as the lifecycle reads it. */
export interface StrategyRecord {
  readonly id: string;
  readonly status: StrategyStatus;
}

/** What the lifecycle needs of the store (the store's StrategiesRepository is one). */
export interface StrategyRecords {
  get(id: string): Promise<StrategyRecord | undefined>;
  list(status?: StrategyStatus): Promise<StrategyRecord[]>;
  transitions(id: string): Promise<StrategyTransition[]>;
  transition(
    id: string,
    to: StrategyStatus,
    by: string,
    reason: string,
    time: number,
    expectedFrom?: StrategyStatus,
    numbers?: TransitionNumbers,
  ): Promise<StrategyTransition>;
}

/**
 * Who may move a strategy where. The machine (evolver, gates, shadow engine) moves it up to "awaiting-approval"
 * and may retire it; only a person moves it to real money ("live-small", then "live"), and that move respects the
 * stability lock. A rollback (retired → live) is the one way back, for the strategy a promotion replaced.
 */
const MOVES: Readonly<Record<StrategyStatus, readonly StrategyStatus[]>> = {
  generated: ["backtested", "retired"],
  backtested: ["validated", "retired"],
  validated: ["shadow", "retired"],
  shadow: ["awaiting-approval", "retired"],
  "awaiting-approval": ["live-small", "shadow", "retired"],
  "live-small": ["live", "retired"],
  live: ["retired"],
  retired: [],
};

/** Moves with real money at the end: a person's, under the stability lock. */
const TO_MONEY: ReadonlySet<StrategyStatus> = new Set(["live-small", "live"]);

/** Names that mean "the program did it", refused where the lifecycle needs a person. */
const MACHINE_NAMES = new Set(["", "system", "aegis", "evolver", "optimizer", "shadow", "gate", "llm", "auto"]);

export class LifecycleError extends Error {
  override readonly name = "LifecycleError";
}

export interface MoveOptions {
  readonly by: string;
  readonly reason: string;
  /** Overrides the stability lock; recorded with the transition and in the risk audit trail. */
  readonly emergency?: string;
  /** The move's evidence as numbers (gates, figures), stored beside the reason. */
  readonly numbers?: TransitionNumbers;
}

/** The lifecycle rules over the store's strategies table, with the stability lock guarding live changes. */
export class StrategyLifecycle {
  constructor(
    readonly strategies: StrategyRecords,
    readonly lock: StabilityLock,
    readonly now: () => number,
  ) {}

  async move(id: string, to: StrategyStatus, options: MoveOptions): Promise<StrategyTransition> {
    const record = await this.#get(id);
    const allowed = MOVES[record.status];
    if (!allowed.includes(to)) {
      throw new LifecycleError(
        `strategy ${id} is ${record.status}; it can move to ${allowed.join(", ") || "nothing (retired is final; see rollback)"}, not ${to}`,
      );
    }
    if (options.reason.trim() === "") throw new LifecycleError("a lifecycle move needs a reason");
    const time = this.now();
    if (TO_MONEY.has(to)) {
      if (MACHINE_NAMES.has(options.by.trim().toLowerCase())) {
        throw new LifecycleError(
          `moving ${id} to ${to} puts money on it: a person must do it (--by NAME), not "${options.by}"`,
        );
      }
      this.#checkLock(time, `${id} → ${to}`, options.emergency);
    }
    const reason = options.emergency ? `${options.reason} [emergency override: ${options.emergency}]` : options.reason;
    const transition = await this.strategies.transition(
      id,
      to,
      options.by,
      reason,
      time,
      record.status,
      options.numbers,
    );
    if (TO_MONEY.has(to)) {
      this.lock.recordChange(
        time,
        `${id} → ${to} by ${options.by}`,
        options.emergency ? { emergency: options.emergency } : {},
      );
    }
    return transition;
  }

  /**
   * A person's approval: awaiting-approval → live-small, or live-small → live (scaling up). Promoting a strategy
   * to live retires the one live before it ("superseded by …"), which `rollback` can bring back.
   */
  async approve(id: string, options: MoveOptions): Promise<StrategyTransition> {
    const record = await this.#get(id);
    if (record.status !== "awaiting-approval" && record.status !== "live-small") {
      throw new LifecycleError(
        `strategy ${id} is ${record.status}; only a strategy awaiting approval or live-small can be approved`,
      );
    }
    const to: StrategyStatus = record.status === "awaiting-approval" ? "live-small" : "live";
    const transition = await this.move(id, to, options);
    if (to === "live") {
      for (const previous of await this.strategies.list("live")) {
        if (previous.id === id) continue;
        await this.strategies.transition(previous.id, "retired", options.by, `superseded by ${id}`, this.now(), "live");
      }
    }
    return transition;
  }

  async retire(id: string, options: MoveOptions): Promise<StrategyTransition> {
    return this.move(id, "retired", options);
  }

  /**
   * Undoes the last promotion: the live strategy (or live-small one, if none is live) is retired and the strategy
   * it superseded goes back to live. Used by a person, and automatically when a promoted strategy trips the kill
   * switch or the online learner blocks it; it needs no stability-lock override, since it restores a known state.
   */
  async rollback(options: MoveOptions): Promise<{ retired: string; restored: string }> {
    const current = (await this.strategies.list("live"))[0] ?? (await this.strategies.list("live-small"))[0];
    if (!current) throw new LifecycleError("nothing to roll back: no strategy is live");
    let restored: StrategyRecord | undefined;
    let supersededAt = -Infinity;
    for (const candidate of await this.strategies.list("retired")) {
      const last = (await this.strategies.transitions(candidate.id)).at(-1);
      if (last?.reason === `superseded by ${current.id}` && last.time > supersededAt) {
        restored = candidate;
        supersededAt = last.time;
      }
    }
    if (!restored) throw new LifecycleError(`nothing to roll back to: ${current.id} did not replace a live strategy`);
    const time = this.now();
    await this.strategies.transition(
      current.id,
      "retired",
      options.by,
      `rolled back: ${options.reason}`,
      time,
      current.status,
    );
    await this.strategies.transition(
      restored.id,
      "live",
      options.by,
      `rollback from ${current.id}: ${options.reason}`,
      time,
      "retired",
    );
    this.lock.recordChange(time, `rollback ${current.id} → ${restored.id} by ${options.by}`, {
      emergency: `rollback: ${options.reason}`,
    });
    return { retired: current.id, restored: restored.id };
  }

  #checkLock(time: number, what: string, emergency: string | undefined): void {
    const check = this.lock.check(time, emergency ? { emergency } : {});
    if (!check.allowed) throw new LifecycleError(`${what} refused by the stability lock: ${check.reason}`);
  }

  async #get(id: string): Promise<StrategyRecord> {
    const record = await this.strategies.get(id);
    if (!record) throw new LifecycleError(`no strategy with id ${id}`);
    return record;
  }
}
