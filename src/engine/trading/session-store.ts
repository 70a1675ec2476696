import type { LearningRows } from "../../domain/learning.js";
import type { OrderRequest, OrderStatus } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import type { PortfolioSnapshot } from "../../execution/portfolio.js";
import type { SimulatedVenueSnapshot } from "../../execution/simulated-broker.js";
import type { ClientVenueSnapshot } from "../../execution/venue/client-venue.js";
import type { VenueReport } from "../../execution/venue.js";
import type { DecisionRecord } from "../decision.js";

/** What a restart needs to continue a session exactly where its last committed step left it. */
export interface SessionState {
  /** Close time of the last step traded. */
  readonly close: number;
  readonly portfolio: PortfolioSnapshot;
  /** The simulated venue's working orders and exits (paper mode); null with a real venue, which keeps its own. */
  readonly venue: SimulatedVenueSnapshot | null;
  /** With a real venue (testnet, live): orders not yet final, the emulated exits and spot dust; absent in paper. */
  readonly liveVenue?: ClientVenueSnapshot | null;
  /** Last client order id number used; ids above it were never sent (sending waits for the commit). */
  readonly orderSequence: number;
  /** Per symbol: the index and open time of the last bar stepped, to re-align bar indices after a restart. */
  readonly bars: Readonly<Record<string, { readonly index: number; readonly time: number }>>;
  /** Why trading was halted (the kill switch), if it was. */
  readonly haltReason: string | null;
  /** The state of the session's learners (online learner, allocator …) by id, saved with every step. */
  readonly learners?: Readonly<Record<string, unknown>>;
}

/** Something worth keeping that is not an order, a fill or a decision: alerts, feed problems, halts, restarts. */
export interface SessionEvent {
  readonly time: number;
  readonly type: string;
  readonly payload: unknown;
}

/** Everything one time step produced, written in one transaction. */
export interface StepRecord {
  readonly state: SessionState;
  readonly intents: readonly { readonly order: OrderRequest; readonly time: number }[];
  readonly reports: readonly { readonly report: VenueReport; readonly status: OrderStatus | null }[];
  readonly decisions: readonly DecisionRecord[];
  readonly trades: readonly ClosedTrade[];
  readonly equity: { readonly time: number; readonly equity: number; readonly cash: number };
  readonly events: readonly SessionEvent[];
  /** Rows for the learning tables made during the step (learning trades, strategy performance). */
  readonly learning?: LearningRows;
}

/**
 * The runtime's persistence port. A step is committed as a whole or not at all, so that a crash at any moment
 * leaves the state of the last committed step: orders are only sent after the step that made them is committed,
 * which is what makes "write the intent before sending it" hold for every venue.
 */
export interface SessionStore {
  load(session: string): Promise<SessionState | undefined>;
  commit(session: string, step: StepRecord): Promise<void>;
  close(): Promise<void>;
}

/** Keeps everything in memory: tests, and `--store memory` for a throw-away paper session. */
export class MemorySessionStore implements SessionStore {
  readonly steps = new Map<string, StepRecord[]>();

  async load(session: string): Promise<SessionState | undefined> {
    const steps = this.steps.get(session);
    const last = steps?.[steps.length - 1];
    // A copy through JSON, as a real store would give: nothing shared with the running session.
    return last ? (JSON.parse(JSON.stringify(last.state)) as SessionState) : undefined;
  }

  async commit(session: string, step: StepRecord): Promise<void> {
    const steps = this.steps.get(session) ?? [];
    steps.push(JSON.parse(JSON.stringify(step)) as StepRecord);
    this.steps.set(session, steps);
  }

  async close(): Promise<void> {}

  /** Every record of one kind across the committed steps of `session`, in order. */
  all<K extends "decisions" | "trades" | "intents" | "reports" | "events">(
    session: string,
    kind: K,
  ): StepRecord[K][number][] {
    return (this.steps.get(session) ?? []).flatMap((s) => s[kind] as StepRecord[K][number][]);
  }
}
