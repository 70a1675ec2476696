import type { CandleSeries } from "../domain/candles.js";
import type { Instrument } from "../domain/instrument.js";
import type { AttachedExits, Fill, OrderRequest } from "../domain/order.js";
import type { Vote } from "../domain/signal.js";
import type { Timeframe } from "../domain/timeframe.js";
import type { ClosedTrade } from "../domain/trade.js";
import { CounterOrderIds, type OrderIdSource, type OrderJournal, OrderManager } from "../execution/order-manager.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { Venue, VenueListener, VenueReport } from "../execution/venue.js";
import { EMPTY_SNAPSHOT, type MarketSnapshot } from "../risk/market-snapshot.js";
import type { ManagedPositionView, PositionAction, PositionManager } from "../risk/position/types.js";
import { type RiskContext, RiskShield, sanityLayer } from "../risk/shield.js";
import { quantityFor, type SizeRule } from "../risk/sizing/size-rule.js";
import type { ColumnSource } from "../strategy/columns.js";
import { isAsyncSource, type SignalSource, strategySource, validateSources } from "../strategy/signal-source.js";
import {
  type BarContext,
  type Cursor,
  type OnBar,
  type PriceField,
  SeriesReader,
  type Strategy,
  type StrategySetup,
  type StrategySignal,
} from "../strategy/strategy.js";
import { Attribution, type TradeLearner } from "./attribution.js";
import { DecisionCombiner } from "./combiner.js";
import type { DecisionRecord } from "./decision.js";
import {
  blockedEntry,
  decisionOutcome,
  exitsFor,
  plannedOrders,
  positionActionOrder,
  positionActionOutcome,
} from "./decision-orders.js";
import { EventBus } from "./events.js";
import { LazySnapshot } from "./lazy-snapshot.js";
import { lazyRiskColumns, type RiskColumns } from "./risk-columns.js";
import {
  answerBuffers,
  collectVotes,
  collectVotesAsync,
  type DeadlineTimer,
  firstVotes,
  initSources,
  realDeadline,
  type SlotSource,
  type SourceAnswers,
  strategyVote,
} from "./slot-sources.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface SlotConfig {
  readonly symbol: string;
  readonly timeframe: Timeframe | undefined;
  readonly strategy: Strategy;
  readonly instrument: Instrument;
  /** Size of a new position; default: the strategy's own, else 100 % of equity split across slots. */
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  /** Signal sources voting beside the strategy (models, advisors); the strategy is always the first primary. */
  readonly sources?: readonly SignalSource[];
}

export interface Slot {
  readonly id: number;
  readonly config: SlotConfig;
  readonly cursor: Cursor;
  readonly context: {
    index: number;
    time: number;
    position: { quantity: number; entryPrice: number; barsHeld: number };
  };
  series: () => CandleSeries;
  onBar: OnBar;
  /** The slot's sources beyond its strategy; empty on the fast path of a plain strategy. */
  readonly sources: readonly SlotSource[];
  /** True when a source answers asynchronously: the slot is stepped with `stepAsync`. */
  readonly async: boolean;
  /** The sources' answers at the current bar (reused buffers). */
  readonly answers: SourceAnswers;
  size: SizeRule;
  allowShort: boolean;
  /** Columns the risk layers and position management read (ATR, volatility, regime), made on first use. */
  readonly risk: RiskColumns;
}

export interface EngineParts {
  readonly portfolio: Portfolio;
  /** The venue, built by the engine so that its reports come back to the engine's one handler. */
  readonly createBroker: (listener: VenueListener) => Venue;
  /** Client order ids; default `${runId}-1`, `${runId}-2` … (the runtime persists its sequence). */
  readonly orderIds?: OrderIdSource;
  /** Durable record of every order intent (before it is sent) and every venue report. */
  readonly journal?: OrderJournal;
  readonly shield?: RiskShield;
  readonly bus?: EventBus;
  readonly combiner?: DecisionCombiner;
  /** Prefix of the default client order ids. */
  readonly runId?: string;
  /**
   * Asked before each opening order: a reason to refuse every new entry right now (the runtime's store is away),
   * with the name recorded as the refusing layer. Exits always go out. Unlike a risk layer, it adds no verdict
   * while it allows, so records stay those of a backtest.
   */
  readonly entryGate?: (symbol: string) => { layer: string; reason: string } | undefined;
  /** Keep every decision record in memory (`decisions`); on by default. */
  readonly recordDecisions?: boolean;
  /** Stops, trailing, break-even, partial take-profit on open positions. */
  readonly positionManager?: PositionManager;
  /** Supplies a regime column per slot (the regime detector); absent → regime unknown. */
  readonly regimeColumn?: (columns: ColumnSource, setup: StrategySetup) => SeriesReader | undefined;
  /** Hear every fill and closed trade of every slot (online learner, allocator, learning tables). */
  readonly learners?: readonly TradeLearner[];
  /** The timer async sources race against; real time by default. */
  readonly deadline?: DeadlineTimer;
}

/**
 * The one event-driven path of Aegis: feed → indicators → signal sources → decision combiner → risk shield →
 * order manager → broker → portfolio. Backtest, paper and live differ only in the clock, the feed and the broker
 * that drive it; this class does not know which one it is in.
 */
export class Engine {
  readonly portfolio: Portfolio;
  readonly broker: Venue;
  /** The order state machine between the engine and the venue. */
  readonly orders: OrderManager;
  readonly shield: RiskShield;
  readonly bus: EventBus;
  readonly decisions: DecisionRecord[] = [];
  readonly slots: Slot[] = [];
  /** Fills in the order they happened. */
  readonly fills: Fill[] = [];
  /** What position management did and why ("stop to break-even at 101.2"), in order. */
  readonly positionActions: { time: number; symbol: string; action: PositionAction; outcome: string }[] = [];
  readonly #combiner: DecisionCombiner;
  readonly #attribution: Attribution;
  readonly #deadline: DeadlineTimer;
  readonly #ids: OrderIdSource;
  readonly #record: boolean;
  readonly #positionManager: PositionManager | undefined;
  readonly #regimeColumn: EngineParts["regimeColumn"];
  readonly #slotsBySymbol = new Map<string, Slot>();
  /** Symbols whose position opened during the current step; position management sees them after the broker. */
  readonly #opened = new Set<string>();
  /** The venue's synchronous answer to the order being submitted, while `#submit` waits for it. */
  #answer: { id: string; order?: OrderRequest; rejected?: string } | undefined;
  #halted = false;
  /** Why an operator stopped trading, if one did. */
  #stoppedBy: string | undefined;
  readonly #entryGate: EngineParts["entryGate"];
  #haltReason = "";
  /** Set while `stepAsync` runs the synchronous part of a step: the strategy's signal is handed back here. */
  #deferred: { signal: StrategySignal | undefined } | undefined;
  #haltTime = Number.NaN;

  constructor(parts: EngineParts) {
    this.portfolio = parts.portfolio;
    this.shield = parts.shield ?? new RiskShield([sanityLayer]);
    this.bus = parts.bus ?? new EventBus();
    this.#combiner = parts.combiner ?? new DecisionCombiner();
    this.#ids = parts.orderIds ?? new CounterOrderIds(parts.runId ?? "run");
    this.#record = parts.recordDecisions ?? true;
    this.#positionManager = parts.positionManager;
    this.#regimeColumn = parts.regimeColumn;
    this.#entryGate = parts.entryGate;
    this.#deadline = parts.deadline ?? realDeadline;
    this.#attribution = new Attribution(parts.learners ?? [], (message, time) => {
      if (this.bus.has("ALERT")) this.bus.publish("ALERT", { time, level: "warning", message });
    });
    this.broker = parts.createBroker({ report: (report) => this.orders.report(report) });
    this.orders = new OrderManager(this.broker, (report) => this.#onReport(report), parts.journal);
  }

  /** True once a risk layer called for a halt; only reducing orders go out after that. */
  get halted(): boolean {
    return this.#halted;
  }

  get haltReason(): string {
    return this.#haltReason;
  }

  /** When the last halt happened (Unix ms), NaN before any; read it only while `halted`. */
  get haltTime(): number {
    return this.#haltTime;
  }

  /**
   * Adds a slot: one strategy instance on one symbol and timeframe. `columns` supplies its price and indicator
   * columns (batch for backtests, streaming for live) and `series` its bars so far. With `lazyRiskColumns` (batch
   * columns only: streaming ones must be declared before the first bar) the risk columns are computed when a risk
   * layer first needs them, so a run that never trades never pays for the regime detector.
   */
  addSlot(
    config: SlotConfig,
    series: () => CandleSeries,
    columns: ColumnSource,
    options: { lazyRiskColumns?: boolean } = {},
  ): Slot {
    const cursor: Cursor = { index: -1 };
    const setup: StrategySetup = {
      symbol: config.symbol,
      timeframe: config.timeframe,
      price: (field: PriceField) => new SeriesReader(columns.price(field), cursor),
      indicator: (declaration, output) => new SeriesReader(columns.indicator(declaration, output), cursor),
      account: this.portfolio,
    };
    const riskColumns = lazyRiskColumns(setup, columns, this.#regimeColumn, config.timeframe);
    if (!options.lazyRiskColumns) void [riskColumns.atr, riskColumns.volatility, riskColumns.regime];
    const extra = config.sources ?? [];
    validateSources([strategySource(config.strategy), ...extra]);
    if (this.#slotsBySymbol.has(config.symbol)) throw new RangeError(`symbol ${config.symbol} already has a slot`);
    const slot: Slot = {
      id: this.slots.length,
      config,
      cursor,
      context: { index: -1, time: 0, position: { quantity: 0, entryPrice: 0, barsHeld: -1 } },
      series,
      onBar: config.strategy.init(setup),
      sources: initSources(extra, setup),
      async: extra.some(isAsyncSource),
      answers: answerBuffers(extra.length),
      size: config.size ?? config.strategy.sizing ?? { type: "percent-equity", value: 100 },
      allowShort: config.allowShort ?? config.strategy.allowShort ?? false,
      risk: riskColumns,
    };
    this.#attribution.addSlot(config.symbol, extra);
    this.#slotsBySymbol.set(config.symbol, slot);
    this.broker.addMarket(config.instrument, series);
    this.slots.push(slot);
    return slot;
  }

  /**
   * Runs `strategy` in `slot` from the next bar on (the lifecycle's live strategy changed). Call it between steps,
   * never during one. `columns` must already hold the slot's bars (streaming columns accept no new indicator once
   * bars arrived, so the caller builds fresh ones over the slot's history); the risk columns and the position stay
   * the slot's. An explicit size of the slot is kept; otherwise the new strategy's own sizing applies.
   */
  swapStrategy(slot: Slot, strategy: Strategy, columns: ColumnSource): void {
    const setup: StrategySetup = {
      symbol: slot.config.symbol,
      timeframe: slot.config.timeframe,
      price: (field: PriceField) => new SeriesReader(columns.price(field), slot.cursor),
      indicator: (declaration, output) => new SeriesReader(columns.indicator(declaration, output), slot.cursor),
      account: this.portfolio,
    };
    const onBar = strategy.init(setup);
    const mutable = slot as Mutable<Slot>;
    mutable.config = { ...slot.config, strategy };
    mutable.onBar = onBar;
    mutable.size = slot.config.size ?? strategy.sizing ?? { type: "percent-equity", value: 100 };
    mutable.allowShort = slot.config.allowShort ?? strategy.allowShort ?? false;
  }

  /**
   * Processes bar `index` of `slot`, which has just closed: the broker matches working orders against it, then the
   * strategy sees it (and every earlier bar, never a later one) and may act; orders it causes fill from the next bar.
   */
  step(slot: Slot, index: number): void {
    // The whole per-bar path (a backtest calls it for every bar); `stepAsync` borrows it. An RL environment calls
    // the two halves itself, so that the agent sees the marked account between them.
    if (slot.async && this.#deferred === undefined) {
      throw new RangeError(`slot ${slot.config.symbol} has an asynchronous signal source: step it with stepAsync`);
    }
    this.#decide(slot, index, this.#advance(slot, index));
  }

  /**
   * The first half of `step`: bar `index` of `slot` has closed; the broker matches working orders against it and
   * the account is marked at its close (and position management runs). Nothing is decided yet.
   */
  advance(slot: Slot, index: number): void {
    this.#advance(slot, index);
  }

  /** `advance`'s body; returns the bar's time, which `#decide` needs (the backtest's hot path reads it once). */
  #advance(slot: Slot, index: number): number {
    const symbol = slot.config.symbol;
    slot.cursor.index = index;
    const series = slot.series();
    const time = series.time[index] as number;
    if (this.bus.has("MARKET_DATA")) {
      this.bus.publish("MARKET_DATA", {
        symbol,
        timeframe: slot.config.timeframe ?? "",
        bar: {
          time,
          open: series.open[index] as number,
          high: series.high[index] as number,
          low: series.low[index] as number,
          close: series.close[index] as number,
          volume: series.volume[index] as number,
        },
      });
    }
    this.broker.processBar(symbol, index);
    this.portfolio.mark(symbol, series.close[index] as number);
    if (this.shield.watchesBars) this.shield.onBar(symbol, time, series.close[index] as number);
    if (this.#positionManager) this.#managePosition(slot, index, time);
    return time;
  }

  /**
   * The second half of `step`: the strategy and the sources see bar `index` (and every earlier bar, never a later
   * one) and may act; orders they cause fill from the next bar. Call it after `advance` of the same bar.
   */
  decide(slot: Slot, index: number): void {
    if (slot.async && this.#deferred === undefined) {
      throw new RangeError(`slot ${slot.config.symbol} has an asynchronous signal source: step it with stepAsync`);
    }
    this.#decide(slot, index, slot.series().time[index] as number);
  }

  #decide(slot: Slot, index: number, time: number): void {
    const symbol = slot.config.symbol;
    const context = slot.context;
    context.index = index;
    context.time = time;
    const position = context.position;
    const quantity = this.portfolio.positionQuantity(symbol);
    position.quantity = quantity;
    if (quantity !== 0) {
      position.entryPrice = this.portfolio.entryPrice(symbol);
      position.barsHeld = index - this.portfolio.openedBar(symbol);
    } else {
      position.entryPrice = 0;
      position.barsHeld = -1;
    }
    const signal = slot.onBar(context as BarContext);
    if (slot.sources.length === 0) {
      if (signal !== undefined)
        this.#act(slot, [strategyVote(slot.config.strategy.name, symbol, signal)], signal.exits, index);
    } else if (this.#deferred !== undefined) this.#deferred.signal = signal;
    else {
      const c = slot.config;
      const bar = collectVotes(slot.sources, slot.context as BarContext, symbol, c.strategy, signal, slot.answers);
      if (bar?.wantsTrade) this.#act(slot, bar.votes, bar.exits, index);
    }
  }

  /**
   * `step` for a slot with asynchronous sources: every source is asked at once and the decision waits for the
   * slowest up to its deadline. The caller awaits it before the next slot, so the order of steps is kept.
   */
  async stepAsync(slot: Slot, index: number): Promise<void> {
    const deferred: { signal: StrategySignal | undefined } = { signal: undefined };
    this.#deferred = deferred;
    try {
      this.step(slot, index);
    } finally {
      this.#deferred = undefined;
    }
    const symbol = slot.config.symbol;
    const first = firstVotes(slot.config.strategy, symbol, deferred.signal);
    const bar = await collectVotesAsync(slot.sources, slot.context as BarContext, symbol, first, this.#deadline);
    if (bar.wantsTrade) this.#act(slot, bar.votes, bar.exits, index);
  }

  /** Lets risk layers watch equity once per time step (after every slot of that step was processed). */
  observe(time: number): number {
    const equity = this.portfolio.equity();
    const halt = this.shield.observe(time, equity);
    if (halt && !this.#halted) this.#halt(time, `${halt.layer}: ${halt.reason}`);
    return equity;
  }

  /** What the risk layers know about the slot's market at bar `index`. */
  snapshot(slot: Slot, index: number): MarketSnapshot {
    const series = slot.series();
    if (index < 0 || index >= series.length) return EMPTY_SNAPSHOT;
    return new LazySnapshot(slot, series, index);
  }

  #act(
    slot: Slot,
    votes: readonly Vote[],
    exits: AttachedExits | ReadonlyMap<string, AttachedExits> | undefined,
    index: number,
  ): void {
    const symbol = slot.config.symbol;
    const series = slot.series();
    const time = series.time[index] as number;
    const price = series.close[index] as number;
    const decision = this.#combiner.combine(
      votes,
      this.#combiner.usesContext ? { regime: this.snapshot(slot, index).regime } : undefined,
    );
    const held = this.portfolio.positionQuantity(symbol);
    let action = decision.action;
    // A long-only slot reads "sell" as "get out".
    if (action === "sell" && !slot.allowShort) action = "close";
    if (this.bus.has("SIGNAL_GENERATED")) {
      this.bus.publish("SIGNAL_GENERATED", { time, symbol, votes, action, reason: decision.reason });
    }
    // A source may propose the leverage of this decision (the leverage agent); the shield below still decides.
    const leverage = decision.leverage ?? slot.config.leverage ?? 1;
    const wanted = plannedOrders(action, held, () => {
      // Sized on the equity left after the close this same decision makes (a reversal re-uses the proceeds).
      const quantity = quantityFor(
        slot.size,
        price,
        this.portfolio.equity(),
        slot.config.instrument.takerFee,
        leverage,
      );
      return decision.sizeFactor === 1 ? quantity : quantity * decision.sizeFactor;
    });
    const attach = exitsFor(exits, decision.sources);
    const source = decision.sources || slot.config.strategy.name;
    const orders: OrderRequest[] = [];
    const risk: DecisionRecord["risk"][number][] = [];
    let rejected = false;
    // Every order of one decision is checked against the same market: one context serves them all.
    const context: RiskContext | undefined =
      wanted.length > 0
        ? { portfolio: this.portfolio, instrument: slot.config.instrument, time, market: this.snapshot(slot, index) }
        : undefined;
    for (let k = 0; k < wanted.length; k++) {
      const w = wanted[k] as (typeof wanted)[number];
      // A veto stops what would open or grow a position; a close or a reduction always goes to the shield.
      const blocked = w.reduceOnly
        ? undefined
        : decision.veto !== undefined
          ? { layer: "veto", reason: decision.veto }
          : this.#entryBlocked(symbol);
      const verdict =
        blocked !== undefined
          ? blockedEntry(blocked)
          : this.shield.evaluate(
              {
                symbol,
                side: w.side,
                quantity: w.quantity,
                price,
                reduceOnly: w.reduceOnly,
                leverage,
                confidence: decision.confidence,
                time,
                strategy: slot.config.strategy.name,
              },
              context as RiskContext,
            );
      risk.push({
        order: `${w.side} ${w.quantity}`,
        approved: verdict.approved,
        quantity: verdict.quantity,
        verdicts: verdict.verdicts,
        ...(decision.leverage !== undefined ? { leverage: allowedLeverage(leverage, w.quantity, verdict) } : {}),
      });
      if (verdict.halted && !this.#halted) this.#halt(time, verdict.reason);
      const request: Mutable<OrderRequest> = {
        clientOrderId: this.#ids.next(),
        symbol,
        side: w.side,
        type: "market",
        quantity: verdict.quantity,
        reduceOnly: w.reduceOnly,
        leverage,
        reason: decision.reason,
        source,
      };
      if (!w.reduceOnly && attach) request.attach = attach;
      if (this.bus.has("RISK_CHECK")) {
        this.bus.publish("RISK_CHECK", {
          time,
          symbol,
          order: request,
          verdicts: verdict.verdicts,
          approvedQuantity: verdict.quantity,
        });
      }
      if (!verdict.approved) {
        rejected = true;
        if (this.bus.has("SIGNAL_REJECTED")) {
          this.bus.publish("SIGNAL_REJECTED", { time, symbol, reason: verdict.reason, verdicts: verdict.verdicts });
        }
        continue;
      }
      const answer = this.#submit(request, index, time);
      if (typeof answer === "string") {
        rejected = true;
        if (this.bus.has("SIGNAL_REJECTED")) {
          this.bus.publish("SIGNAL_REJECTED", {
            time,
            symbol,
            reason: `broker: ${answer}`,
            verdicts: [{ layer: "broker", verdict: "deny", reason: answer }],
          });
        }
        continue;
      }
      orders.push(answer);
      if (this.bus.has("ORDER_PLACED")) this.bus.publish("ORDER_PLACED", { time, order: answer });
    }
    if (this.#record) {
      this.decisions.push({
        time,
        symbol,
        strategy: slot.config.strategy.name,
        price,
        positionBefore: held,
        votes,
        action: decision.action === "hold" ? "hold" : action,
        reason: decision.reason,
        risk,
        orders,
        outcome: decisionOutcome(decision, orders.length, rejected),
      });
    }
  }

  /**
   * Halts trading from outside the risk layers (an operator's emergency stop): from now on only orders that reduce
   * a position go out, whatever the layers say; a halt already in force stays.
   */
  halt(time: number, reason: string): void {
    this.#stoppedBy = reason;
    if (!this.#halted) this.#halt(time, reason);
  }

  #entryBlocked(symbol: string): { layer: string; reason: string } | undefined {
    if (this.#stoppedBy !== undefined) return { layer: "emergency-stop", reason: this.#stoppedBy };
    return this.#entryGate?.(symbol);
  }

  #halt(time: number, reason: string): void {
    this.#halted = true;
    this.#haltReason = reason;
    this.#haltTime = time;
    // Orders that would open risk go; orders that protect or close a position stay.
    this.broker.cancelAll(`halted: ${reason}`, time, undefined, true);
    if (this.bus.has("KILL_SWITCH")) this.bus.publish("KILL_SWITCH", { time, reason });
    if (this.bus.has("ALERT"))
      this.bus.publish("ALERT", { time, level: "critical", message: `trading halted: ${reason}` });
  }

  /** Position management: initial exits for positions opened this step, then per-bar updates of open ones. */
  #managePosition(slot: Slot, index: number, time: number): void {
    const manager = this.#positionManager as PositionManager;
    const symbol = slot.config.symbol;
    const position = this.portfolio.position(symbol);
    if (!position) {
      if (this.#opened.delete(symbol)) manager.onClose(symbol);
      return;
    }
    const levels = this.broker.exitLevels(symbol);
    const view: ManagedPositionView = {
      symbol,
      side: position.side,
      quantity: position.quantity,
      entryPrice: position.entryPrice,
      barsHeld: index - this.portfolio.openedBar(symbol),
      stop: levels && Number.isFinite(levels.stop) ? levels.stop : undefined,
      leverage: position.leverage,
      liquidationPrice: position.liquidationPrice,
      time,
      market: this.snapshot(slot, index),
    };
    const actions = this.#opened.delete(symbol) ? manager.onOpen(view) : manager.onBar(view);
    for (const action of actions) {
      if (action.kind === "set-stop") {
        this.broker.setStop(symbol, action.price);
        this.#positionAction(time, symbol, action, "stop set");
        continue;
      }
      const order = positionActionOrder(action, view, this.#ids, this.#attribution.positionSource(symbol));
      const answer = this.#submit(order, index, time);
      this.#positionAction(time, symbol, action, positionActionOutcome(order, answer));
      if (typeof answer !== "string" && this.bus.has("ORDER_PLACED"))
        this.bus.publish("ORDER_PLACED", { time, order: answer });
    }
  }

  #positionAction(time: number, symbol: string, action: PositionAction, outcome: string): void {
    this.positionActions.push({ time, symbol, action, outcome });
    if (this.bus.has("POSITION_ACTION")) this.bus.publish("POSITION_ACTION", { time, symbol, action, outcome });
  }

  /**
   * Hands `order` to the order manager. Returns the order as the venue took it, the reason it refused it when it
   * answered at once (the simulated venue always does), or the order as sent when the answer will come later.
   */
  #submit(order: OrderRequest, index: number, time: number): OrderRequest | string {
    const answer: { id: string; order?: OrderRequest; rejected?: string } = { id: order.clientOrderId };
    this.#answer = answer;
    this.#attribution.sent(order);
    try {
      this.orders.submit(order, index, time);
    } finally {
      this.#answer = undefined;
    }
    return answer.rejected ?? answer.order ?? order;
  }

  /** The one place where what a venue says becomes state: orders, positions, the portfolio, then events. */
  #onReport(report: VenueReport): void {
    switch (report.type) {
      case "accepted": {
        if (this.#answer?.id === report.order.clientOrderId) this.#answer.order = report.order;
        if (this.bus.has("ORDER_ACKNOWLEDGED"))
          this.bus.publish("ORDER_ACKNOWLEDGED", { time: report.time, order: report.order });
        return;
      }
      case "rejected": {
        if (this.#answer?.id === report.order.clientOrderId) this.#answer.rejected = report.reason;
        this.#attribution.done(report.order.clientOrderId);
        if (this.bus.has("ORDER_REJECTED"))
          this.bus.publish("ORDER_REJECTED", { time: report.time, order: report.order, reason: report.reason });
        return;
      }
      case "filled": {
        const fill = this.#attribution.tag(report.fill);
        const index = this.#slotsBySymbol.get(fill.symbol)?.cursor.index ?? -1;
        const before = this.portfolio.positionQuantity(fill.symbol);
        const trade = this.portfolio.applyFill(fill, index, report.leverage);
        if (report.remaining === 0) this.#attribution.done(fill.clientOrderId);
        this.#attribution.booked(fill, before, this.portfolio.positionQuantity(fill.symbol), trade);
        this.#onFill(fill, trade, index);
        return;
      }
      case "cancelled":
      case "expired": {
        this.#attribution.done(report.order.clientOrderId);
        if (this.bus.has("ORDER_CANCELLED")) {
          this.bus.publish("ORDER_CANCELLED", {
            time: report.time,
            clientOrderId: report.order.clientOrderId,
            symbol: report.order.symbol,
            reason: report.reason,
          });
        }
        return;
      }
      case "funding":
        this.portfolio.applyFunding(report.symbol, report.rate, report.markPrice);
        return;
    }
  }

  #onFill(fill: Fill, trade: ClosedTrade | undefined, index: number): void {
    this.fills.push(fill);
    this.shield.onFill(fill, trade);
    if (this.#positionManager) {
      if (trade) this.#positionManager.onClose(fill.symbol);
      // A position opened (or flipped) by a fill on this bar: management starts after the broker is done.
      const position = this.portfolio.position(fill.symbol);
      if (position && position.openedAt === fill.time && this.portfolio.openedBar(fill.symbol) === index) {
        this.#opened.add(fill.symbol);
      }
    }
    if (this.bus.has("ORDER_FILLED")) this.bus.publish("ORDER_FILLED", { time: fill.time, fill });
    if (this.bus.has("POSITION_UPDATE")) {
      this.bus.publish("POSITION_UPDATE", {
        time: fill.time,
        symbol: fill.symbol,
        position: this.portfolio.position(fill.symbol),
      });
    }
  }
}

/**
 * What the shield made of a proposed leverage: the proposal, and the leverage of what it let through (the order
 * keeps its leverage setting and a scale cuts its size, so the exposure it adds is proposed × scale; 0 if denied).
 */
function allowedLeverage(
  proposed: number,
  quantity: number,
  verdict: { approved: boolean; quantity: number },
): { proposed: number; allowed: number } {
  return { proposed, allowed: verdict.approved && quantity > 0 ? proposed * (verdict.quantity / quantity) : 0 };
}
