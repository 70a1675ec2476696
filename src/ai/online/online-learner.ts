import type { ClosedTrade } from "../../domain/trade.js";
import type { SourceSignal, SyncSignalSource } from "../../strategy/signal-source.js";
import { PageHinkley, type PageHinkleyState } from "./page-hinkley.js";
import { type HealthFigures, type HealthState, StrategyHealth } from "./strategy-health.js";

/** Defaults follow the Algo Trading Lab seed where it names a rule (win rate, consecutive losses, drift). */
export interface OnlineLearnerOptions {
  /** Trades in the rolling health window (default 20). */
  readonly window?: number;
  /** Trades needed in the window before the win rate may block or scale (default 10). */
  readonly minTrades?: number;
  /** Block when the rolling win rate falls below this (default 0.30). */
  readonly minWinRate?: number;
  /** Block after this many losses in a row (default 5). */
  readonly maxConsecutiveLosses?: number;
  /** The win rate at which a strategy trades full size; below it the size scales down to half (default 0.5). */
  readonly targetWinRate?: number;
  /** Page-Hinkley on trade returns (fractions); a detected drop blocks (default delta 0.002, threshold 0.8). */
  readonly drift?: { readonly delta: number; readonly threshold: number; readonly minSamples?: number };
  /** After this long blocked, a strategy comes back on probation at half size (default 7 days). */
  readonly recoveryMs?: number;
  /** Where block and unblock alerts go (the engine's bus: `bus.publish("ALERT", a)`). */
  readonly alert?: (alert: { time: number; level: "info" | "warning" | "critical"; message: string }) => void;
}

export interface LearnerEvent {
  readonly time: number;
  readonly strategy: string;
  readonly kind: "blocked" | "unblocked" | "probation";
  readonly reason: string;
}

export interface StrategyStatus extends HealthFigures {
  readonly strategy: string;
  readonly blocked: boolean;
  /** Why it is blocked, when it is. */
  readonly reason: string | undefined;
  readonly probation: boolean;
  /** The size factor its votes carry now (0 while blocked). */
  readonly scale: number;
}

/** What a restart needs to continue judging each strategy where it stopped (JSON-safe). */
export interface OnlineLearnerState {
  readonly strategies: Readonly<
    Record<
      string,
      {
        readonly health: HealthState;
        readonly drift: PageHinkleyState;
        /** Null when not blocked (JSON has no NaN). */
        readonly blockedAt: number | null;
        readonly reason: string | null;
        readonly probation: boolean;
      }
    >
  >;
  /** The newest events (at most 50), for status displays. */
  readonly events: readonly LearnerEvent[];
}

interface Tracked {
  readonly health: StrategyHealth;
  readonly drift: PageHinkley;
  blockedAt: number;
  reason: string | undefined;
  probation: boolean;
  /** The vote handed out until the state changes (an advisor is asked every bar). */
  vote: SourceSignal | undefined;
}

/**
 * The online learner (Algo Trading Lab seed, component 4): per-strategy health from every closed trade, concept
 * drift on the stream of trade returns, automatic blocking of a degraded strategy, and its judgement as an
 * advisor vote — a veto while blocked, a size factor otherwise ("confidence adjustment").
 *
 * A strategy is blocked when, with at least `minTrades` in the window, its win rate is below `minWinRate`, or after
 * `maxConsecutiveLosses` losses in a row, or when Page-Hinkley detects a drop in its trade returns. It is unblocked
 * by a person (`unblock`), or by recovery: after `recoveryMs` it trades again on probation at half size with a
 * fresh window, and leaves probation once it has `minTrades` trades at or above `targetWinRate` (a probation
 * that fails its rules is blocked again). Trades are attributed by `trade.source`; an ensemble trade ("a+b") counts
 * for each source in it.
 */
export class OnlineLearner {
  readonly events: LearnerEvent[] = [];
  readonly #options: Required<Omit<OnlineLearnerOptions, "alert">>;
  readonly #alert: OnlineLearnerOptions["alert"];
  readonly #tracked = new Map<string, Tracked>();

  constructor(options: OnlineLearnerOptions = {}) {
    this.#options = {
      window: options.window ?? 20,
      minTrades: options.minTrades ?? 10,
      minWinRate: options.minWinRate ?? 0.3,
      maxConsecutiveLosses: options.maxConsecutiveLosses ?? 5,
      targetWinRate: options.targetWinRate ?? 0.5,
      drift: options.drift ?? { delta: 0.002, threshold: 0.8 },
      recoveryMs: options.recoveryMs ?? 7 * 86_400_000,
    };
    const o = this.#options;
    if (!Number.isInteger(o.minTrades) || o.minTrades < 1 || o.minTrades > o.window)
      throw new RangeError(
        `online learner: minTrades must be an integer in [1, window ${o.window}], got ${o.minTrades}`,
      );
    for (const [name, value] of [
      ["minWinRate", o.minWinRate],
      ["targetWinRate", o.targetWinRate],
    ] as const) {
      if (!(value >= 0 && value <= 1)) throw new RangeError(`online learner: ${name} must be in [0, 1], got ${value}`);
    }
    if (!Number.isInteger(o.maxConsecutiveLosses) || o.maxConsecutiveLosses < 1)
      throw new RangeError(
        `online learner: maxConsecutiveLosses must be an integer >= 1, got ${o.maxConsecutiveLosses}`,
      );
    if (!(o.recoveryMs > 0)) throw new RangeError(`online learner: recoveryMs must be > 0, got ${o.recoveryMs}`);
    this.#alert = options.alert;
  }

  /** Every closed trade, in backtest, paper and live alike (register the learner as an engine learner). */
  onTradeClosed(trade: ClosedTrade): void {
    for (const id of (trade.source ?? "unattributed").split("+")) {
      const t = this.#track(id);
      t.health.add(trade.netPnl, trade.returnPct);
      const drifted = t.drift.add(trade.returnPct);
      t.vote = undefined;
      if (t.reason !== undefined) continue;
      const why = this.#degraded(t, drifted);
      if (why !== undefined) this.#block(id, t, trade.exitTime, why);
      else if (t.probation && this.#recovered(t.health.figures())) {
        t.probation = false;
        this.#record(trade.exitTime, id, "unblocked", "recovered: probation passed", "info");
      }
    }
  }

  /** A person lets a blocked strategy trade again; its window starts afresh. */
  unblock(strategy: string, by: string, time: number): void {
    const t = this.#tracked.get(strategy);
    if (t?.reason === undefined) throw new RangeError(`online learner: ${strategy} is not blocked`);
    t.reason = undefined;
    t.probation = false;
    t.health.reset();
    t.drift.reset();
    t.vote = undefined;
    this.#record(time, strategy, "unblocked", `unblocked by ${by}`, "info");
  }

  /** The learner's state, saved with the session's state at every committed step. */
  save(): OnlineLearnerState {
    const strategies: Record<string, OnlineLearnerState["strategies"][string]> = {};
    for (const [id, t] of this.#tracked) {
      strategies[id] = {
        health: t.health.save(),
        drift: t.drift.save(),
        blockedAt: Number.isNaN(t.blockedAt) ? null : t.blockedAt,
        reason: t.reason ?? null,
        probation: t.probation,
      };
    }
    return { strategies, events: this.events.slice(-50) };
  }

  /** Continues from a saved state (a restart): every strategy's window, drift test and block as they were. */
  restore(state: OnlineLearnerState): void {
    this.#tracked.clear();
    for (const [id, saved] of Object.entries(state.strategies)) {
      const t = this.#track(id);
      t.health.restore(saved.health);
      t.drift.restore(saved.drift);
      t.blockedAt = saved.blockedAt ?? Number.NaN;
      t.reason = saved.reason ?? undefined;
      t.probation = saved.probation;
    }
    this.events.splice(0, this.events.length, ...state.events);
  }

  /** Strategies the learner has heard of, with their status. */
  statuses(): StrategyStatus[] {
    return [...this.#tracked.keys()].map((id) => this.status(id));
  }

  status(strategy: string): StrategyStatus {
    const t = this.#track(strategy);
    return {
      strategy,
      ...t.health.figures(),
      blocked: t.reason !== undefined,
      reason: t.reason,
      probation: t.probation,
      scale: t.reason !== undefined ? 0 : this.#scale(t),
    };
  }

  /**
   * The learner's vote on the slots of `strategy`: an advisor that vetoes entries while the strategy is blocked and
   * otherwise scales their size by its health. Its id is "online-learner". A function names the strategy at each
   * vote: a slot whose strategy is swapped while the session runs (`--strategy lifecycle`) is judged by the
   * record of the strategy it runs now.
   */
  advisor(strategy: string | (() => string)): SyncSignalSource {
    const name = typeof strategy === "string" ? () => strategy : strategy;
    return {
      id: "online-learner",
      role: "advisor",
      init: () => (context) => this.#vote(name(), context.time),
    };
  }

  #vote(strategy: string, time: number): SourceSignal {
    const t = this.#track(strategy);
    if (t.reason !== undefined && time - t.blockedAt >= this.#options.recoveryMs) {
      t.reason = undefined;
      t.probation = true;
      t.health.reset();
      t.drift.reset();
      t.vote = undefined;
      this.#record(
        time,
        strategy,
        "probation",
        `blocked for ${this.#options.recoveryMs / 3_600_000} h: back at half size`,
        "info",
      );
    }
    t.vote ??= this.#judge(t);
    return t.vote;
  }

  #judge(t: Tracked): SourceSignal {
    if (t.reason !== undefined) return { action: "hold", veto: true, reason: `Blocked strategy: ${t.reason}` };
    const f = t.health.figures();
    const scale = this.#scale(t);
    const words =
      f.trades === 0
        ? "no trades yet"
        : `win rate ${f.winRate.toFixed(2)} over ${f.trades}, ${f.consecutiveLosses} losses in a row`;
    const label = t.probation ? "Probation strategy" : scale < 1 ? "Weak strategy" : "Healthy strategy";
    return { action: "hold", scale, reason: `${label} (${words})` };
  }

  /** Full size at or above the target win rate, down to half size at 0 (and half size on probation). */
  #scale(t: Tracked): number {
    if (t.probation) return 0.5;
    const f = t.health.figures();
    if (f.trades < this.#options.minTrades || f.winRate >= this.#options.targetWinRate) return 1;
    return 0.5 + 0.5 * (f.winRate / this.#options.targetWinRate);
  }

  #degraded(t: Tracked, drifted: boolean): string | undefined {
    const o = this.#options;
    const f = t.health.figures();
    if (f.consecutiveLosses >= o.maxConsecutiveLosses) return `${f.consecutiveLosses} consecutive losses`;
    if (f.trades >= o.minTrades && f.winRate < o.minWinRate)
      return `win rate ${f.winRate.toFixed(2)} over ${f.trades} trades below ${o.minWinRate}`;
    if (drifted)
      return `concept drift: Page-Hinkley found a drop in trade returns (average now ${(f.averageReturn * 100).toFixed(2)} %)`;
    return undefined;
  }

  #recovered(f: HealthFigures): boolean {
    return f.trades >= this.#options.minTrades && f.winRate >= this.#options.targetWinRate;
  }

  #block(id: string, t: Tracked, time: number, reason: string): void {
    t.reason = reason;
    t.blockedAt = time;
    t.probation = false;
    t.vote = undefined;
    this.#record(time, id, "blocked", reason, "warning");
  }

  #record(time: number, strategy: string, kind: LearnerEvent["kind"], reason: string, level: "info" | "warning"): void {
    this.events.push({ time, strategy, kind, reason });
    this.#alert?.({ time, level, message: `online learner: ${strategy} ${kind}: ${reason}` });
  }

  #track(id: string): Tracked {
    let t = this.#tracked.get(id);
    if (!t) {
      t = {
        health: new StrategyHealth(this.#options.window),
        drift: new PageHinkley(this.#options.drift),
        blockedAt: Number.NaN,
        reason: undefined,
        probation: false,
        vote: undefined,
      };
      this.#tracked.set(id, t);
    }
    return t;
  }
}
