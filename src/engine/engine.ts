import type { CandleSeries } from "../domain/candles.js";
import type { Fill } from "../domain/order.js";
import { CounterOrderIds, type OrderManager } from "../execution/order-manager.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { Venue } from "../execution/venue.js";
import type { MarketSnapshot } from "../risk/market-snapshot.js";
import { RiskShield, sanityLayer } from "../risk/shield.js";
import type { ColumnSource } from "../strategy/columns.js";
import { strategySource, validateSources } from "../strategy/signal-source.js";
import type { BarContext, Cursor, Strategy, StrategySignal } from "../strategy/strategy.js";
import { Attribution } from "./attribution.js";
import { DecisionCombiner } from "./combiner.js";
import type { DecisionRecord } from "./decision.js";
import { DecisionRouter } from "./decision-routing.js";
import type { EngineParts } from "./engine-parts.js";
import { EventBus } from "./events.js";
import { marketSnapshot } from "./lazy-snapshot.js";
import { OrderFlow } from "./order-flow.js";
import { type PositionActionRecord, PositionSupervisor } from "./position-supervision.js";
import { lazyRiskColumns } from "./risk-columns.js";
import { createSlot, type Slot, type SlotConfig, strategySetup, swapSlotStrategy } from "./slot.js";
import {
  collectVotes,
  collectVotesAsync,
  type DeadlineTimer,
  firstVotes,
  realDeadline,
  strategyVote,
} from "./slot-sources.js";
import { TradingHalt } from "./trading-halt.js";

// Many files import these from here; they live beside the parts of the engine that define them.
export type { EngineParts } from "./engine-parts.js";
export type { Slot, SlotConfig } from "./slot.js";

/**
 * The one event-driven path of Aegis: feed → indicators → signal sources → decision combiner → risk shield →
 * order manager → broker → portfolio. Backtest, paper and live differ only in the clock, the feed and the broker
 * that drive it; this class does not know which one it is in. It steps the slots bar by bar; the decision's road
 * to the venue is `DecisionRouter`'s, the venue's reports `OrderFlow`'s, open positions `PositionSupervisor`'s.
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
  readonly fills: Fill[];
  /** What position management did and why ("stop to break-even at 101.2"), in order. */
  readonly positionActions: PositionActionRecord[] = [];
  readonly #attribution: Attribution;
  readonly #deadline: DeadlineTimer;
  readonly #regimeColumn: EngineParts["regimeColumn"];
  readonly #slotsBySymbol = new Map<string, Slot>();
  readonly #halt: TradingHalt;
  readonly #router: DecisionRouter;
  readonly #positions: PositionSupervisor | undefined;
  /** Set while `stepAsync` runs the synchronous part of a step: the strategy's signal is handed back here. */
  #deferred: { signal: StrategySignal | undefined } | undefined;

  constructor(parts: EngineParts) {
    this.portfolio = parts.portfolio;
    this.shield = parts.shield ?? new RiskShield([sanityLayer]);
    this.bus = parts.bus ?? new EventBus();
    const ids = parts.orderIds ?? new CounterOrderIds(parts.runId ?? "run");
    this.#regimeColumn = parts.regimeColumn;
    this.#deadline = parts.deadline ?? realDeadline;
    this.#attribution = new Attribution(parts.learners ?? [], (message, time) => {
      if (this.bus.has("ALERT")) this.bus.publish("ALERT", { time, level: "warning", message });
    });
    const flow = new OrderFlow({
      createBroker: parts.createBroker,
      journal: parts.journal,
      portfolio: this.portfolio,
      shield: this.shield,
      bus: this.bus,
      attribution: this.#attribution,
      slotsBySymbol: this.#slotsBySymbol,
      onFill: parts.positionManager ? (fill, trade, index) => this.#positions?.filled(fill, trade, index) : undefined,
    });
    this.broker = flow.broker;
    this.orders = flow.orders;
    this.fills = flow.fills;
    const submit = flow.submit.bind(flow);
    this.#halt = new TradingHalt(this.broker, this.bus, parts.entryGate);
    this.#positions = parts.positionManager
      ? new PositionSupervisor({
          manager: parts.positionManager,
          portfolio: this.portfolio,
          broker: this.broker,
          bus: this.bus,
          ids,
          attribution: this.#attribution,
          submit,
          actions: this.positionActions,
        })
      : undefined;
    this.#router = new DecisionRouter({
      portfolio: this.portfolio,
      combiner: parts.combiner ?? new DecisionCombiner(),
      shield: this.shield,
      bus: this.bus,
      ids,
      halt: this.#halt,
      submit,
      decisions: (parts.recordDecisions ?? true) ? this.decisions : undefined,
    });
  }

  /** True once a risk layer called for a halt; only reducing orders go out after that. */
  get halted(): boolean {
    return this.#halt.halted;
  }

  get haltReason(): string {
    return this.#halt.reason;
  }

  /** When the last halt happened (Unix ms), NaN before any; read it only while `halted`. */
  get haltTime(): number {
    return this.#halt.time;
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
    const setup = strategySetup(config, columns, cursor, this.portfolio);
    const riskColumns = lazyRiskColumns(setup, columns, this.#regimeColumn, config.timeframe);
    if (!options.lazyRiskColumns) void [riskColumns.atr, riskColumns.volatility, riskColumns.regime];
    const extra = config.sources ?? [];
    validateSources([strategySource(config.strategy), ...extra]);
    if (this.#slotsBySymbol.has(config.symbol)) throw new RangeError(`symbol ${config.symbol} already has a slot`);
    const slot = createSlot(this.slots.length, config, series, setup, cursor, riskColumns);
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
    swapSlotStrategy(slot, strategy, strategySetup(slot.config, columns, slot.cursor, this.portfolio));
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
    if (this.#positions !== undefined) this.#positions.manage(slot, index, time);
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
        this.#router.act(slot, [strategyVote(slot.config.strategy.name, symbol, signal)], signal.exits, index);
    } else if (this.#deferred !== undefined) this.#deferred.signal = signal;
    else {
      const c = slot.config;
      const bar = collectVotes(slot.sources, slot.context as BarContext, symbol, c.strategy, signal, slot.answers);
      if (bar?.wantsTrade) this.#router.act(slot, bar.votes, bar.exits, index);
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
    if (bar.wantsTrade) this.#router.act(slot, bar.votes, bar.exits, index);
  }

  /** Lets risk layers watch equity once per time step (after every slot of that step was processed). */
  observe(time: number): number {
    const equity = this.portfolio.equity();
    const halt = this.shield.observe(time, equity);
    if (halt && !this.#halt.halted) this.#halt.trip(time, `${halt.layer}: ${halt.reason}`);
    return equity;
  }

  /** What the risk layers know about the slot's market at bar `index`. */
  snapshot(slot: Slot, index: number): MarketSnapshot {
    return marketSnapshot(slot, index);
  }

  /**
   * Halts trading from outside the risk layers (an operator's emergency stop): from now on only orders that reduce
   * a position go out, whatever the layers say; a halt already in force stays.
   */
  halt(time: number, reason: string): void {
    this.#halt.stop(time, reason);
  }
}
