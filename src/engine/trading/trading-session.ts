import type { FeedMonitor } from "../../data/feed/feed-monitor.js";
import type { Candle } from "../../domain/candles.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import { CounterOrderIds } from "../../execution/order-manager.js";
import { Portfolio } from "../../execution/portfolio.js";
import type { ClientVenue } from "../../execution/venue/client-venue.js";
import type { VenueClient } from "../../execution/venue/venue-client.js";
import { isAsyncSource } from "../../strategy/signal-source.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { DecisionRecord } from "../decision.js";
import type { Engine } from "../engine.js";
import { EventBus } from "../events.js";
import { type ClosedBar, LiveRunner } from "../live-runner.js";
import { EntryGates } from "./entry-gates.js";
import { flattenAll, swapStrategyOf } from "./operator-actions.js";
import { reconcile } from "./reconcile.js";
import { addWarmSlots, buildSessionEngine, loadWarmup } from "./session-engine.js";
import { checkStaleEvery, sessionFeedMonitor } from "./session-feed-health.js";
import type { TradingSessionOptions } from "./session-options.js";
import { captureState, restoreState, type SessionParts } from "./session-state.js";
import type { SessionState, StepRecord } from "./session-store.js";
import { StepAssembler } from "./step-assembler.js";
import { StepCommitter } from "./step-commit.js";
import { StepRecorder } from "./step-recorder.js";
import { StepSpool } from "./step-spool.js";

export type { EmergencyStopRequest, SessionLearning, SessionSlot, TradingSessionOptions } from "./session-options.js";

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
  readonly #recorder = new StepRecorder();
  /** Steps waiting for an asynchronous source, in order. */
  #asyncSteps: Promise<void> = Promise.resolve();
  get #waitsForSources(): boolean {
    return this.options.slots.some((slot) => slot.sources?.some(isAsyncSource));
  }
  #staleTimer: (() => void) | undefined;
  #stopped = false;
  readonly #committer: StepCommitter;
  #lastStepClose = 0;
  /** The real venue (testnet, live), when there is one. */
  #clientVenue: ClientVenue | undefined;
  readonly #gates = new EntryGates(
    () => (this.storeHealthy ? undefined : this.#committer.problem),
    () => this.#clientVenue,
  );
  #bookingScheduled = false;
  #storeClosed = false;
  /** Last decisions, newest last, for the status display. */
  readonly recentDecisions: DecisionRecord[] = this.#recorder.recentDecisions;
  /** Steps traded since start. */
  steps = 0;
  resumedFrom: SessionState | undefined;

  constructor(options: TradingSessionOptions) {
    if (options.slots.length === 0) throw new RangeError("a trading session needs at least one symbol");
    this.options = options;
    this.bus = options.bus ?? new EventBus();
    this.#committer = new StepCommitter({
      session: options.session,
      store: options.store,
      spool: options.spoolPath ? new StepSpool(options.spoolPath) : undefined,
      bus: this.bus,
      send: (orders) => void this.#clientVenue?.send(orders),
      onRecovered: () =>
        this.#event(this.options.clock.now(), "STORE_RECOVERED", {
          note: "spooled steps written; entries allowed again",
        }),
      afterCommit: (record) => this.#afterCommit(record),
      ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
    });
    this.monitor = sessionFeedMonitor(options, this.bus, (time, type, payload) => this.#event(time, type, payload));
  }

  /** Loads state, warms up, reconciles the simulated venue and starts trading on the feed. */
  async start(): Promise<void> {
    const o = this.options;
    const saved = this.#committer.loadSpool()?.state ?? (await o.store.load(o.session));
    this.resumedFrom = saved;
    const barMs = TIMEFRAMES[o.timeframe];
    const now = o.clock.now();
    const histories = await loadWarmup(o, now);
    this.#ids = new CounterOrderIds(o.session, saved?.orderSequence ?? 0);
    // Exit ids share the sequence space through their own prefix, persisted with the same counter.
    this.#exitIds = new CounterOrderIds(`${o.session}-x`, saved?.orderSequence ?? 0);
    const portfolio = new Portfolio(o.cash);
    this.engine = buildSessionEngine(o, portfolio, {
      ids: this.#ids,
      exitIds: this.#exitIds,
      journal: this.#recorder.journal,
      bus: this.bus,
      feedHealth: this.monitor,
      entryGate: (symbol) => this.#gates.check(symbol),
      onClientVenue: (venue) => {
        this.#clientVenue = venue;
      },
      onBooked: () => this.#booked(),
      onIncident: (type, detail, alert) => this.#incident(type, detail, alert),
    });
    this.#runner = new LiveRunner(this.engine);
    addWarmSlots(this.#runner, o, histories, this.monitor, now);
    if (saved) {
      restoreState(this.#parts, saved, portfolio);
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
    if (!this.#stopped) this.#staleTimer = checkStaleEvery(this.monitor, o.clock, barMs);
  }

  /** Who paused new entries and why, while paused (the API's pause; not kept across a restart). */
  get paused(): { readonly by: string; readonly reason: string } | undefined {
    return this.#gates.paused;
  }

  /** Symbols whose stored position differs from the venue's (reconciliation): no new entries. */
  get blockedSymbols(): Map<string, string> {
    return this.#gates.blockedSymbols;
  }

  /** No new entries until `resume`; exits, stops and take-profits still run. False if already paused. */
  pause(by: string, reason: string): boolean {
    if (!this.#gates.pause(by, reason)) return false;
    this.#event(this.options.clock.now(), "ENTRIES_PAUSED", { by, reason });
    return true;
  }

  /** Entries allowed again (other gates aside). False if not paused. */
  resume(by: string, reason: string): boolean {
    if (!this.#gates.resume()) return false;
    this.#event(this.options.clock.now(), "ENTRIES_RESUMED", { by, reason });
    return true;
  }

  /** Whether the store accepted the last commit (no new entries while it does not). */
  get storeHealthy(): boolean {
    return this.#committer.healthy;
  }

  get #parts(): SessionParts {
    return {
      engine: this.engine,
      runner: this.#runner,
      clientVenue: this.#clientVenue,
      symbols: this.options.slots.map((s) => s.symbol),
    };
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
      last = this.#committer.chain;
      await steps;
      await last;
    } while (last !== this.#committer.chain || steps !== this.#asyncSteps);
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
    if (flatten) flattenAll(this.engine, this.#clientVenue, reason);
    this.#event(time, "EMERGENCY_STOP", { reason, flatten });
    this.#commit(this.#lastStepClose, this.engine.portfolio.equity());
  }

  /** The strategy each slot runs now, by symbol (it changes when the lifecycle's live strategy does). */
  get runningStrategies(): Record<string, string> {
    return Object.fromEntries(this.engine.slots.map((s) => [s.config.symbol, s.config.strategy.name]));
  }

  /**
   * Runs `strategy` on `symbol` from the next step on: at a step boundary, never inside a step (a session whose
   * sources answer later queues the swap behind the steps in progress). The open position stays and the new
   * strategy manages it, with its protective orders still working; a short the new strategy cannot hold (it is
   * long-only) is closed at the next bar. The swap is a session event committed at once, and an alert.
   */
  swapStrategy(symbol: string, strategy: Strategy, reason: string): Promise<void> {
    const apply = () => {
      const { from, position, quantity } = swapStrategyOf(
        this.engine,
        this.#runner,
        this.#clientVenue,
        symbol,
        strategy,
      );
      const time = this.options.clock.now();
      this.#event(time, "STRATEGY_SWAPPED", { symbol, from, to: strategy.name, reason, position, quantity });
      this.#recorder.alert({
        time,
        level: "warning",
        message: `${symbol}: strategy ${from} → ${strategy.name} (${reason}); position ${position}`,
        kind: "strategy-swap",
      });
      this.#commit(this.#lastStepClose, this.engine.portfolio.equity(), time);
    };
    if (!this.#waitsForSources) {
      apply();
      return Promise.resolve();
    }
    const done = this.#asyncSteps.then(apply);
    // A failed swap is the caller's to report; the steps queued after it still run.
    this.#asyncSteps = done.catch(() => {});
    return done;
  }

  #commit(close: number, equity: number, equityTime = close): void {
    const sequence = Math.max(this.#ids.current, this.#exitIds.current);
    const { record, alerts } = this.#recorder.take(
      this.engine,
      this.options.learning,
      close,
      { time: equityTime, equity },
      (learners) => captureState(this.#parts, close, sequence, learners),
    );
    this.#committer.enqueue(record, this.#clientVenue?.takeQueued() ?? [], alerts);
  }

  async #afterCommit(record: StepRecord): Promise<void> {
    this.options.onCommitted?.(record);
    const request = this.#stopped ? undefined : await this.options.control?.();
    if (request) {
      this.emergencyStop(`stopped by ${request.by}: ${request.reason}`, request.flatten);
      void this.#committer.chain.then(() => this.options.onEmergencyStop?.(request));
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
      if (this.#storeClosed || !this.engine || !this.#recorder.pending) return;
      this.#commit(this.#lastStepClose, this.engine.portfolio.equity(), this.options.clock.now());
    });
  }

  #incident(type: string, detail: Record<string, unknown>, alert: boolean): void {
    const time = this.options.clock.now();
    this.#event(time, type, detail);
    if (alert) {
      const what = typeof detail["detail"] === "string" ? detail["detail"] : JSON.stringify(detail);
      this.#recorder.alert({
        time,
        level: "warning",
        message: `${type}: ${what}`,
        ...(type === "RECONCILE" ? { kind: "reconciliation" } : {}),
      });
    }
    this.#booked();
  }

  #event(time: number, type: string, payload: unknown): void {
    this.#recorder.event(time, type, payload);
  }
}
