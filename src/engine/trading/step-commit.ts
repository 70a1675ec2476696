import type { OrderRequest, OrderStatus } from "../../domain/order.js";
import type { OrderJournal } from "../../execution/order-manager.js";
import type { VenueReport } from "../../execution/venue.js";
import type { EventBus } from "../events.js";
import type { SessionStore, StepRecord } from "./session-store.js";
import type { StepSpool } from "./step-spool.js";

/** Collects what the order manager journals during a step, for that step's commit. */
export class StepJournal implements OrderJournal {
  intents: { order: OrderRequest; time: number }[] = [];
  reports: { report: VenueReport; status: OrderStatus | null }[] = [];
  intent(order: OrderRequest, time: number): void {
    this.intents.push({ order, time });
  }
  report(report: VenueReport, status: OrderStatus): void {
    this.reports.push({ report, status });
  }
}

/** An alert about state not yet committed: published once it is. */
export interface PendingAlert {
  readonly time: number;
  readonly level: "warning";
  readonly message: string;
  readonly kind?: string;
}

export interface StepCommitterOptions {
  readonly session: string;
  readonly store: SessionStore;
  readonly spool: StepSpool | undefined;
  readonly bus: EventBus;
  /** Hands a committed step's orders to the venue. */
  readonly send: (orders: OrderRequest[]) => void;
  /** The store took every waiting step after an outage. */
  readonly onRecovered: () => void;
  /** Runs after each commit, inside the commit chain (status display, the operator's emergency stop). */
  readonly afterCommit: (record: StepRecord) => Promise<void>;
  readonly onStoreError?: (error: unknown) => void;
}

/**
 * Writes time steps to the store one after another, in order. A step's orders go to the venue only once the step
 * is committed (the intent is stored before the order is sent). When the store is away, steps wait (in memory and
 * in the spool file) and are written first when it is back; meanwhile `healthy` is false so the session opens no
 * new position.
 */
export class StepCommitter {
  readonly #options: StepCommitterOptions;
  /** Steps not yet in the store (it was away), oldest first. */
  #pending: StepRecord[] = [];
  /** Per pending step, the orders to send once it is committed. */
  #sends: OrderRequest[][] = [];
  /** A commit failed (or steps were spooled before a restart): the next full write is a recovery. */
  #failed = false;
  #problem = "";
  #chain: Promise<void> = Promise.resolve();
  /** Whether the store accepted the last commit. */
  healthy = true;

  constructor(options: StepCommitterOptions) {
    this.#options = options;
  }

  /** Why the store cannot take steps now (empty while healthy). */
  get problem(): string {
    return this.#problem;
  }

  /** The commit chain so far: settled once every step enqueued until now is written (or failed). */
  get chain(): Promise<void> {
    return this.#chain;
  }

  /**
   * At start: steps spooled during a store outage are newer than what the store holds, so they go in first. Returns
   * the newest of them (the state to resume from), if any.
   */
  loadSpool(): StepRecord | undefined {
    this.#pending = this.#options.spool?.read() ?? [];
    this.#failed = this.#pending.length > 0;
    this.#sends = this.#pending.map(() => []);
    return this.#pending.at(-1);
  }

  /** Queues `record` for the store; `sends` go to the venue once it is written, `alerts` are published then. */
  enqueue(record: StepRecord, sends: OrderRequest[], alerts: PendingAlert[]): void {
    const o = this.#options;
    this.#pending.push(record);
    this.#sends.push(sends);
    this.#chain = this.#chain.then(async () => {
      try {
        // Steps merely queued behind a slow commit are not a recovery; only a store that failed comes back.
        const recovering = this.#failed;
        while (this.#pending.length > 0) {
          await o.store.commit(o.session, this.#pending[0] as StepRecord);
          this.#pending.shift();
          // Only now, with their intents in the store, do the step's orders go to the venue.
          const sends = this.#sends.shift() ?? [];
          if (sends.length > 0) o.send(sends);
        }
        if (recovering) {
          this.#failed = false;
          o.spool?.write([]);
          o.onRecovered();
        }
        this.healthy = true;
        for (const alert of alerts) o.bus.publish("ALERT", alert);
        if (o.bus.has("STATE_SAVED"))
          o.bus.publish("STATE_SAVED", {
            time: record.state.close,
            what: "time step",
            equity: record.equity.equity,
          });
        await o.afterCommit(record);
      } catch (error) {
        this.healthy = false;
        this.#failed = true;
        this.#problem = `the store cannot be written (${(error as Error).message}); ${this.#pending.length} step(s) wait`;
        try {
          o.spool?.write(this.#pending);
        } catch (spoolError) {
          process.stderr.write(`aegis: cannot spool to ${o.spool?.path}: ${(spoolError as Error).message}\n`);
        }
        if (o.onStoreError) o.onStoreError(error);
        else process.stderr.write(`aegis: could not commit step ${record.state.close}: ${(error as Error).message}\n`);
      }
    });
  }
}
