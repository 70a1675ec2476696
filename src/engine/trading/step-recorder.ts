import type { DecisionRecord } from "../decision.js";
import type { Engine } from "../engine.js";
import type { SessionLearning } from "./session-options.js";
import type { SessionEvent, SessionState, StepRecord } from "./session-store.js";
import { type PendingAlert, StepJournal } from "./step-commit.js";

/** How many of the last decisions the session keeps for its status display. */
const RECENT_DECISIONS = 20;

/**
 * What a session gathers between two commits (the order journal, session events, alerts waiting for their state
 * to be committed) and the step record it makes of them with what the engine did meanwhile.
 */
export class StepRecorder {
  readonly journal = new StepJournal();
  /** Last decisions, newest last, for the status display. */
  readonly recentDecisions: DecisionRecord[] = [];
  #events: SessionEvent[] = [];
  /** Alerts about state not yet committed: published once it is. */
  #alerts: PendingAlert[] = [];

  event(time: number, type: string, payload: unknown): void {
    this.#events.push({ time, type, payload });
  }

  alert(alert: PendingAlert): void {
    this.#alerts.push(alert);
  }

  /** True when order reports or events wait for a commit. */
  get pending(): boolean {
    return this.journal.reports.length > 0 || this.#events.length > 0;
  }

  /**
   * Takes everything gathered so far, with the engine's decisions and trades and the learners' rows since the last
   * take, as the record of a step closing at `close`; `state` is asked after the learners were drained. Returns the
   * alerts to publish once that record is committed.
   */
  take(
    engine: Engine,
    learning: SessionLearning | undefined,
    close: number,
    equity: { time: number; equity: number },
    state: (learners: Record<string, unknown> | undefined) => SessionState,
  ): { record: StepRecord; alerts: PendingAlert[] } {
    const decisions = engine.decisions.splice(0);
    for (const d of decisions) {
      this.recentDecisions.push(d);
      if (this.recentDecisions.length > RECENT_DECISIONS) this.recentDecisions.shift();
    }
    const portfolio = engine.portfolio;
    const trades = portfolio.trades.splice(0);
    const rows = learning?.drain(close);
    const record: StepRecord = {
      state: state(learning?.save()),
      intents: this.journal.intents,
      reports: this.journal.reports,
      decisions,
      trades,
      equity: { time: equity.time, equity: equity.equity, cash: portfolio.cash },
      events: this.#events,
      ...(rows ? { learning: rows } : {}),
    };
    this.journal.intents = [];
    this.journal.reports = [];
    this.#events = [];
    return { record, alerts: this.#alerts.splice(0) };
  }
}
