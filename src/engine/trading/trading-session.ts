import { FeedMonitor } from "../../data/feed/feed-monitor.js";
import type { MarketFeed } from "../../data/feed/market-feed.js";
import type { Candle } from "../../domain/candles.js";
import type { Clock } from "../../domain/clock.js";
import type { Instrument } from "../../domain/instrument.js";
import type { LearningRows } from "../../domain/learning.js";
import type { OrderRequest, OrderStatus } from "../../domain/order.js";
import { TIMEFRAMES, type Timeframe } from "../../domain/timeframe.js";
import { CounterOrderIds, type OrderJournal } from "../../execution/order-manager.js";
import { Portfolio } from "../../execution/portfolio.js";
import { SimulatedBroker, type SimulatedBrokerOptions } from "../../execution/simulated-broker.js";
import { ClientVenue } from "../../execution/venue/client-venue.js";
import type { VenueClient } from "../../execution/venue/venue-client.js";
import type { VenueReport } from "../../execution/venue.js";
import type { FeedHealth } from "../../risk/limits/feed-health.js";
import type { PositionManager } from "../../risk/position/types.js";
import type { RiskShield } from "../../risk/shield.js";
import type { SizeRule } from "../../risk/sizing/size-rule.js";
import { isAsyncSource, type SignalSource } from "../../strategy/signal-source.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { TradeLearner } from "../attribution.js";
import type { DecisionCombiner } from "../combiner.js";
import type { DecisionRecord } from "../decision.js";
import { Engine, type EngineParts } from "../engine.js";
import { EventBus } from "../events.js";
import { type ClosedBar, LiveRunner } from "../live-runner.js";
import { reconcile } from "./reconcile.js";
import type { SessionEvent, SessionState, SessionStore, StepRecord } from "./session-store.js";
import { StepAssembler } from "./step-assembler.js";
import { StepSpool } from "./step-spool.js";

export interface SessionSlot {
  readonly symbol: string;
  readonly strategy: Strategy;
  readonly instrument: Instrument;
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  /**
   * Signal sources voting beside the strategy (AI models, the learners' advisors, the LLM advisor); an
   * asynchronous one makes each step wait for it.
   */
  readonly sources?: readonly SignalSource[];
}

/** The session's learners as one unit: their state goes into every committed step and comes back at a start. */
export interface SessionLearning {
  readonly learners: readonly TradeLearner[];
  save(): Record<string, unknown>;
  /** Called once at start, with the saved state (undefined on a first start), before the first bar. */
  restore(saved: Readonly<Record<string, unknown>> | undefined): void;
  /** Rows for the learning tables since the last call; `close` is the committed step's close time. */
  drain(close: number): LearningRows | undefined;
  /** What the learners think now (allocator weights, blocked strategies), for status displays and the API. */
  status?(): Record<string, unknown>;
}

export interface TradingSessionOptions {
  /** Session id: the key of its state in the store and the prefix of its client order ids. */
  readonly session: string;
  readonly slots: readonly SessionSlot[];
  readonly timeframe: Timeframe;
  readonly cash: number;
  readonly feed: MarketFeed;
  readonly store: SessionStore;
  readonly clock: Clock;
  /** Paper trading fills on the simulated venue (the backtester's fill model) against the live bars. */
  readonly simulated?: SimulatedBrokerOptions;
  /**
   * Testnet and live: orders go to this venue client (CCXT) instead of the simulated venue; the session
   * reconciles with it at every start. The caller owns the client (closes it after `stop`).
   */
  readonly venueClient?: VenueClient;
  /** The venue client trades USDⓈ-M perpetuals (BTC/USDT there is BTC/USDT:USDT). */
  readonly contracts?: boolean;
  /** Builds the risk shield; the session adds its feed monitor so that bad data blocks new entries. */
  readonly buildShield?: (feed: FeedHealth) => RiskShield;
  readonly positionManager?: PositionManager;
  readonly regimeColumn?: EngineParts["regimeColumn"];
  /** How the votes of several sources become one decision (the AI orchestrator's weights, the advisor's 10 %). */
  readonly combiner?: DecisionCombiner;
  readonly learning?: SessionLearning;
  /** Closed bars loaded before the first live one so indicators are warm (default 500). */
  readonly warmupBars?: number;
  readonly bus?: EventBus;
  /** Called after each step is committed to the store (status display, dashboard). */
  readonly onCommitted?: (step: StepRecord) => void;
  /** Called when a step could not be committed: trading goes on, nothing new is sent until the store is back. */
  readonly onStoreError?: (error: unknown) => void;
  readonly graceMs?: number;
  /**
   * Where steps the store cannot take wait for it (JSON lines); without it they wait in memory only. While any
   * wait, no new position is opened (exits still go out).
   */
  readonly spoolPath?: string;
  /** Trade this many time steps, then take no more bars (demos and tests); `stop()` still has to be called. */
  readonly maxSteps?: number;
  /**
   * Asked after every committed step whether an operator requested an emergency stop (`aegis stop`, the API);
   * it should consume the request it returns.
   */
  readonly control?: () => Promise<EmergencyStopRequest | undefined>;
  /** Called once an emergency stop has been carried out and committed. */
  readonly onEmergencyStop?: (request: EmergencyStopRequest) => void;
}

/** A person's request to stop trading now: halt, cancel what would open risk, optionally close every position. */
export interface EmergencyStopRequest {
  readonly by: string;
  readonly reason: string;
  readonly flatten: boolean;
}

/** Collects what the order manager journals during a step, for that step's commit. */
class StepJournal implements OrderJournal {
  intents: { order: OrderRequest; time: number }[] = [];
  reports: { report: VenueReport; status: OrderStatus | null }[] = [];
  intent(order: OrderRequest, time: number): void {
    this.intents.push({ order, time });
  }
  report(report: VenueReport, status: OrderStatus): void {
    this.reports.push({ report, status });
  }
}

/**
 * A paper (or live) trading session: the engine of the backtester on a real-time clock. Startup and crash
 * recovery are one path: load the last committed state, warm the indicators on recent history, put the account
 * and the venue back as they were, then resume with the next bar that closes. Every time step (all bars closing
 * at one instant) is committed to the store as one transaction, so a SIGKILL at any moment leaves the state of a
 * whole step, never half of one.
 */
export class TradingSession {
  readonly options: TradingSessionOptions;
  readonly bus: EventBus;
  readonly monitor: FeedMonitor;
  engine!: Engine;
  #runner!: LiveRunner;
  #assembler!: StepAssembler;
  #ids!: CounterOrderIds;
  #exitIds!: CounterOrderIds;
  readonly #journal = new StepJournal();
  #events: SessionEvent[] = [];
  #commits: Promise<void> = Promise.resolve();
  /** Steps waiting for an asynchronous source, in order. */
  #asyncSteps: Promise<void> = Promise.resolve();
  get #waitsForSources(): boolean {
    return this.options.slots.some((slot) => slot.sources?.some(isAsyncSource));
  }
  #staleTimer: (() => void) | undefined;
  #stopped = false;
  #paused: { by: string; reason: string } | undefined;
  /** Steps not yet in the store (it was away), oldest first. */
  #pending: StepRecord[] = [];
  #storeProblem = "";
  /** A commit failed (or steps were spooled before a restart): the next full write is a recovery. */
  #storeFailed = false;
  readonly #spool: StepSpool | undefined;
  #lastStepClose = 0;
  /** The real venue (testnet, live), when there is one. */
  #clientVenue: ClientVenue | undefined;
  /** Per pending step, the orders to send once it is committed. */
  #sends: OrderRequest[][] = [];
  /** Symbols whose stored position differs from the venue's (reconciliation): no new entries. */
  readonly blockedSymbols = new Map<string, string>();
  #bookingScheduled = false;
  /** Alerts about state not yet committed: published once it is. */
  #alerts: { time: number; level: "warning"; message: string; kind?: string }[] = [];
  #storeClosed = false;
  /** Last decisions, newest last, for the status display. */
  readonly recentDecisions: DecisionRecord[] = [];
  /** Steps traded since start, and whether the store accepted the last commit. */
  steps = 0;
  storeHealthy = true;
  resumedFrom: SessionState | undefined;

  constructor(options: TradingSessionOptions) {
    if (options.slots.length === 0) throw new RangeError("a trading session needs at least one symbol");
    this.options = options;
    this.#spool = options.spoolPath ? new StepSpool(options.spoolPath) : undefined;
    this.bus = options.bus ?? new EventBus();
    const barMs = TIMEFRAMES[options.timeframe];
    this.monitor = new FeedMonitor(
      options.slots.map((s) => s.symbol),
      { barMs },
      (event) => {
        this.#event(event.time, event.cleared ? "FEED_RECOVERED" : "FEED_PROBLEM", event);
        if (!event.cleared)
          this.bus.publish("ALERT", {
            time: event.time,
            level: "warning",
            message: `${event.symbol}: ${event.problem} (${event.detail}); new entries blocked`,
          });
      },
    );
  }

  /** Loads state, warms up, reconciles the simulated venue and starts trading on the feed. */
  async start(): Promise<void> {
    const o = this.options;
    // Steps spooled during a store outage are newer than what the store holds: they go in first.
    this.#pending = this.#spool?.read() ?? [];
    this.#storeFailed = this.#pending.length > 0;
    this.#sends = this.#pending.map(() => []);
    const saved = this.#pending.at(-1)?.state ?? (await o.store.load(o.session));
    this.resumedFrom = saved;
    const barMs = TIMEFRAMES[o.timeframe];
    const now = o.clock.now();
    const warmup = o.warmupBars ?? 500;
    const histories = new Map<string, Candle[]>();
    for (const slot of o.slots) {
      const bars = await o.feed.history(slot.symbol, now - (warmup + 1) * barMs, warmup + 1);
      // Only bars that have closed by now: the forming one must not reach a strategy.
      histories.set(
        slot.symbol,
        bars.filter((b) => b.time + barMs <= now),
      );
    }
    this.#ids = new CounterOrderIds(o.session, saved?.orderSequence ?? 0);
    // Exit ids share the sequence space through their own prefix, persisted with the same counter.
    this.#exitIds = new CounterOrderIds(`${o.session}-x`, saved?.orderSequence ?? 0);
    const portfolio = new Portfolio(o.cash);
    this.engine = new Engine({
      portfolio,
      createBroker: (listener) => {
        if (!o.venueClient)
          return new SimulatedBroker(portfolio, listener, { ...o.simulated, exitOrderId: () => this.#exitIds.next() });
        this.#clientVenue = new ClientVenue({
          client: o.venueClient,
          listener,
          clock: o.clock,
          account: portfolio,
          exitOrderId: () => this.#exitIds.next(),
          ...(o.contracts ? { contracts: true } : {}),
          onBooked: () => this.#booked(),
          onIncident: (type, detail, alert) => this.#incident(type, detail, alert),
        });
        return this.#clientVenue;
      },
      orderIds: { next: () => this.#ids.next() },
      journal: this.#journal,
      bus: this.bus,
      ...(o.buildShield ? { shield: o.buildShield(this.monitor) } : {}),
      entryGate: (symbol) => {
        if (this.#paused) return { layer: "paused", reason: `paused by ${this.#paused.by}: ${this.#paused.reason}` };
        if (!this.storeHealthy) return { layer: "store", reason: this.#storeProblem };
        const mismatch = this.blockedSymbols.get(symbol);
        if (mismatch !== undefined) return { layer: "reconciliation", reason: mismatch };
        // A real venue answers later: while an entry for this symbol waits for its answer, a second one would
        // double the position (the strategy still sees it flat).
        const waiting = this.#clientVenue?.openOrders(symbol).find((order) => !order.reduceOnly);
        return waiting === undefined
          ? undefined
          : { layer: "venue", reason: `entry ${waiting.clientOrderId} for ${symbol} still waits for the venue` };
      },
      ...(o.positionManager ? { positionManager: o.positionManager } : {}),
      ...(o.regimeColumn ? { regimeColumn: o.regimeColumn } : {}),
      ...(o.combiner ? { combiner: o.combiner } : {}),
      ...(o.learning ? { learners: o.learning.learners } : {}),
      runId: o.session,
    });
    this.#runner = new LiveRunner(this.engine);
    for (const slot of o.slots) {
      this.#runner.addSlot({
        symbol: slot.symbol,
        timeframe: o.timeframe,
        strategy: slot.strategy,
        instrument: slot.instrument,
        ...(slot.size ? { size: slot.size } : {}),
        ...(slot.leverage !== undefined ? { leverage: slot.leverage } : {}),
        ...(slot.allowShort !== undefined ? { allowShort: slot.allowShort } : {}),
        ...(slot.sources ? { sources: slot.sources } : {}),
      });
      for (const bar of histories.get(slot.symbol) ?? []) {
        this.#runner.warm(slot.symbol, bar);
        this.monitor.onClosedBar(slot.symbol, bar, now);
      }
    }
    if (saved) {
      this.#restore(saved, portfolio);
      this.#lastStepClose = saved.close;
    }
    o.learning?.restore(saved?.learners);
    if (this.#clientVenue) await this.#reconcile(now);
    this.#assembler = new StepAssembler({
      symbols: o.slots.map((s) => s.symbol),
      barMs,
      clock: o.clock,
      ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
      barClose: (symbol, time) => o.feed.barClose?.(symbol, time),
      onStep: (bars) => this.#step(bars),
      onLate: ({ symbol, bar }) =>
        this.#event(o.clock.now(), "BAR_LATE", { symbol, time: bar.time, note: "arrived after its step; not traded" }),
    });
    const after: Record<string, number> = {};
    for (const slot of o.slots) after[slot.symbol] = this.#runner.lastBarTime(slot.symbol) ?? now - barMs;
    // Bars missed while the bot was down were warmed up on, not traded: the assembler resumes after them.
    this.#assembler.resumeAfter(Math.max(saved?.close ?? 0, ...Object.values(after).map((t) => t + barMs)));
    this.#event(now, saved ? "SESSION_RESUMED" : "SESSION_STARTED", {
      resumedFromClose: saved?.close ?? null,
      warmupBars: Object.fromEntries([...histories].map(([s, b]) => [s, b.length])),
    });
    o.feed.start(
      o.slots.map((s) => s.symbol),
      after,
      {
        onClosedBar: (symbol, bar) => this.#onClosedBar(symbol, bar),
        onBook: (symbol, bid, ask) => this.monitor.onBook(symbol, bid, ask, o.clock.now()),
        onStatus: (status) =>
          this.#event(o.clock.now(), status.connected ? "FEED_CONNECTED" : "FEED_DISCONNECTED", status),
      },
    );
    this.#scheduleStaleCheck();
  }

  /** Who paused new entries and why, while paused (the API's pause; not kept across a restart). */
  get paused(): { readonly by: string; readonly reason: string } | undefined {
    return this.#paused;
  }

  /** No new entries until `resume`; exits, stops and take-profits still run. False if already paused. */
  pause(by: string, reason: string): boolean {
    if (this.#paused) return false;
    this.#paused = { by, reason };
    this.#event(this.options.clock.now(), "ENTRIES_PAUSED", { by, reason });
    return true;
  }

  /** Entries allowed again (other gates aside). False if not paused. */
  resume(by: string, reason: string): boolean {
    if (!this.#paused) return false;
    this.#paused = undefined;
    this.#event(this.options.clock.now(), "ENTRIES_RESUMED", { by, reason });
    return true;
  }

  /** Equity, positions and shield state now. */
  get portfolio(): Portfolio {
    return this.engine.portfolio;
  }

  /** Stops taking bars, waits for the last commit and closes the feed and the store (SIGTERM, Ctrl-C). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#staleTimer?.();
    this.#assembler?.close();
    await this.options.feed.close();
    await this.flushed();
    // Answers to orders already sent are booked before the store closes.
    await this.#clientVenue?.idle();
    await this.flushed();
    this.#storeClosed = true;
    this.#clientVenue?.close();
    await this.options.store.close();
  }

  /** The real venue (testnet, live); undefined in paper. */
  get venue(): ClientVenue | undefined {
    return this.#clientVenue;
  }

  /** Waits until no order sent to a real venue still waits for the venue's answer (tests, graceful stop). */
  async venueIdle(): Promise<void> {
    await this.#clientVenue?.idle();
  }

  /** Waits until every step so far is committed (tests, graceful stop). */
  async flushed(): Promise<void> {
    // A commit can queue another (an emergency stop found after it): wait until the chain stops growing.
    let last: Promise<void>;
    let steps: Promise<void>;
    do {
      steps = this.#asyncSteps;
      last = this.#commits;
      await steps;
      await last;
    } while (last !== this.#commits || steps !== this.#asyncSteps);
  }

  #onClosedBar(symbol: string, bar: Candle): void {
    if (this.#stopped || this.steps >= (this.options.maxSteps ?? Number.POSITIVE_INFINITY)) return;
    if (!this.monitor.onClosedBar(symbol, bar, this.options.clock.now())) {
      this.#event(this.options.clock.now(), "BAR_REFUSED", { symbol, bar, reason: "non-finite or non-positive value" });
      return;
    }
    this.#assembler.add(symbol, bar);
  }

  #step(bars: ClosedBar[]): void {
    // Several steps can be due at once (a back-fill); past the limit they are not traded.
    const limit = this.options.maxSteps ?? Number.POSITIVE_INFINITY;
    if (!this.#waitsForSources) {
      if (this.steps < limit) this.#stepped(bars, this.#runner.onStep(bars));
      return;
    }
    // A source answers later (the LLM advisor): steps queue behind one another so they stay in order.
    this.#asyncSteps = this.#asyncSteps
      .then(async () => {
        if (this.steps < limit) this.#stepped(bars, await this.#runner.onStepAsync(bars));
      })
      .catch((error: unknown) =>
        this.bus.publish("ALERT", {
          time: this.options.clock.now(),
          level: "critical",
          message: `a step failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
  }

  #stepped(bars: ClosedBar[], equity: number): void {
    this.steps++;
    const close = bars[0]
      ? (bars[0].close ?? bars[0].bar.time + TIMEFRAMES[this.options.timeframe])
      : this.options.clock.now();
    this.#lastStepClose = close;
    this.#commit(close, equity);
  }

  /**
   * Emergency stop (`aegis stop`): halts trading (orders that would open risk are cancelled, protective ones stay),
   * optionally closes every position at the last close, and commits that as a step of its own.
   */
  emergencyStop(reason: string, flatten: boolean): void {
    const time = this.options.clock.now();
    this.engine.halt(time, reason);
    if (flatten) {
      const venue = this.#clientVenue ?? (this.engine.broker as SimulatedBroker);
      for (const slot of this.engine.slots) {
        const last = slot.series().length - 1;
        if (last >= 0 && this.engine.portfolio.positionQuantity(slot.config.symbol) !== 0)
          venue.flatten(slot.config.symbol, last, `emergency stop: ${reason}`);
      }
    }
    this.#event(time, "EMERGENCY_STOP", { reason, flatten });
    this.#commit(this.#lastStepClose, this.engine.portfolio.equity());
  }

  #commit(close: number, equity: number, equityTime = close): void {
    const decisions = this.engine.decisions.splice(0);
    for (const d of decisions) {
      this.recentDecisions.push(d);
      if (this.recentDecisions.length > 20) this.recentDecisions.shift();
    }
    const portfolio = this.engine.portfolio;
    const trades = portfolio.trades.splice(0);
    const learning = this.options.learning?.drain(close);
    const barsState: Record<string, { index: number; time: number }> = {};
    for (const slot of this.options.slots) {
      const time = this.#runner.lastBarTime(slot.symbol);
      if (time !== undefined) barsState[slot.symbol] = { index: this.#runner.indexOf(slot.symbol, time), time };
    }
    const record: StepRecord = {
      state: {
        close,
        portfolio: portfolio.snapshot(),
        venue: this.engine.broker instanceof SimulatedBroker ? this.engine.broker.snapshot() : null,
        ...(this.#clientVenue ? { liveVenue: this.#clientVenue.snapshot() } : {}),
        orderSequence: Math.max(this.#ids.current, this.#exitIds.current),
        bars: barsState,
        haltReason: this.engine.halted ? this.engine.haltReason : null,
        ...(this.options.learning ? { learners: this.options.learning.save() } : {}),
      },
      intents: this.#journal.intents,
      reports: this.#journal.reports,
      decisions,
      trades,
      equity: { time: equityTime, equity, cash: portfolio.cash },
      events: this.#events,
      ...(learning ? { learning } : {}),
    };
    this.#journal.intents = [];
    this.#journal.reports = [];
    this.#events = [];
    this.#pending.push(record);
    this.#sends.push(this.#clientVenue?.takeQueued() ?? []);
    const alerts = this.#alerts.splice(0);
    this.#commits = this.#commits.then(async () => {
      try {
        // Steps merely queued behind a slow commit are not a recovery; only a store that failed comes back.
        const recovering = this.#storeFailed;
        while (this.#pending.length > 0) {
          await this.options.store.commit(this.options.session, this.#pending[0] as StepRecord);
          this.#pending.shift();
          // Only now, with their intents in the store, do the step's orders go to the venue.
          const sends = this.#sends.shift() ?? [];
          if (sends.length > 0) void this.#clientVenue?.send(sends);
        }
        if (recovering) {
          this.#storeFailed = false;
          this.#spool?.write([]);
          this.#event(this.options.clock.now(), "STORE_RECOVERED", {
            note: "spooled steps written; entries allowed again",
          });
        }
        this.storeHealthy = true;
        for (const alert of alerts) this.bus.publish("ALERT", alert);
        if (this.bus.has("STATE_SAVED"))
          this.bus.publish("STATE_SAVED", {
            time: record.state.close,
            what: "time step",
            equity: record.equity.equity,
          });
        this.options.onCommitted?.(record);
        const request = this.#stopped ? undefined : await this.options.control?.();
        if (request) {
          this.emergencyStop(`stopped by ${request.by}: ${request.reason}`, request.flatten);
          void this.#commits.then(() => this.options.onEmergencyStop?.(request));
        }
      } catch (error) {
        this.storeHealthy = false;
        this.#storeFailed = true;
        this.#storeProblem = `the store cannot be written (${(error as Error).message}); ${this.#pending.length} step(s) wait`;
        try {
          this.#spool?.write(this.#pending);
        } catch (spoolError) {
          process.stderr.write(`aegis: cannot spool to ${this.#spool?.path}: ${(spoolError as Error).message}\n`);
        }
        if (this.options.onStoreError) this.options.onStoreError(error);
        else process.stderr.write(`aegis: could not commit step ${record.state.close}: ${(error as Error).message}\n`);
      }
    });
  }

  #restore(saved: SessionState, portfolio: Portfolio): void {
    // Bar indices of the saved state count from the old history's start; re-align them on the new history.
    const shift = (symbol: string): number => {
      const bar = saved.bars[symbol];
      if (!bar) return 0;
      const index = this.#runner.indexOf(symbol, bar.time);
      if (index < 0) return 0;
      return index - bar.index;
    };
    portfolio.load(saved.portfolio, shift);
    if (saved.venue && this.engine.broker instanceof SimulatedBroker) this.engine.broker.restore(saved.venue, shift);
    if (saved.liveVenue && this.#clientVenue) this.#clientVenue.restore(saved.liveVenue, shift);
    // Positions are valued at the last warm-up close, as they were at the end of a step.
    for (const slot of this.engine.slots) {
      const series = slot.series();
      if (series.length > 0) portfolio.mark(slot.config.symbol, series.close[series.length - 1] as number);
    }
  }

  /**
   * Reconciliation, part of every start: books what the venue did while the session was down, records each
   * difference and its decision as a session event, alerts on the flagged ones, and commits that at once.
   */
  async #reconcile(now: number): Promise<void> {
    const venue = this.#clientVenue as ClientVenue;
    const found = await reconcile({
      venue,
      client: this.options.venueClient as VenueClient,
      prefix: `${this.options.session}-`,
      symbols: this.options.slots.map((s) => s.symbol),
      position: (symbol) => this.engine.portfolio.positionQuantity(symbol),
      contracts: this.options.contracts === true,
    });
    for (const d of found) {
      if (d.decision === "entries-blocked") this.blockedSymbols.set(d.symbol, `reconciliation: ${d.detail}`);
      this.#incident("RECONCILE", { ...d }, d.flagged);
    }
    this.#event(now, "RECONCILED", { differences: found.length, flagged: found.filter((d) => d.flagged).length });
    // A first start has no step yet: its state is that of now.
    this.#lastStepClose ||= now;
    this.#commit(this.#lastStepClose, this.engine.portfolio.equity(), now);
    await this.flushed();
  }

  /** Reports booked between steps are committed in a small record of their own, right away. */
  #booked(): void {
    if (this.#storeClosed || this.#bookingScheduled) return;
    this.#bookingScheduled = true;
    queueMicrotask(() => {
      this.#bookingScheduled = false;
      if (this.#storeClosed || !this.engine || (this.#journal.reports.length === 0 && this.#events.length === 0))
        return;
      this.#commit(this.#lastStepClose, this.engine.portfolio.equity(), this.options.clock.now());
    });
  }

  #incident(type: string, detail: Record<string, unknown>, alert: boolean): void {
    const time = this.options.clock.now();
    this.#event(time, type, detail);
    if (alert) {
      const what = typeof detail["detail"] === "string" ? detail["detail"] : JSON.stringify(detail);
      this.#alerts.push({
        time,
        level: "warning",
        message: `${type}: ${what}`,
        ...(type === "RECONCILE" ? { kind: "reconciliation" } : {}),
      });
    }
    this.#booked();
  }

  #event(time: number, type: string, payload: unknown): void {
    this.#events.push({ time, type, payload });
  }

  #scheduleStaleCheck(): void {
    if (this.#stopped) return;
    const barMs = TIMEFRAMES[this.options.timeframe];
    this.#staleTimer = this.options.clock.setTimer(barMs, () => {
      this.monitor.checkStale(this.options.clock.now());
      this.#scheduleStaleCheck();
    });
  }
}
