import type { CandleSeries } from "../../domain/candles.js";
import { defaultInstrument, type Instrument } from "../../domain/instrument.js";
import type { AttachedExits, Fill, OrderRequest } from "../../domain/order.js";
import type { ClosedTrade } from "../../domain/trade.js";
import { Portfolio } from "../../execution/portfolio.js";
import { SimulatedBroker } from "../../execution/simulated-broker.js";
import type { PositionManager } from "../../risk/position/types.js";
import { type RiskLayer, RiskShield, sanityLayer } from "../../risk/shield.js";
import type { SizeRule } from "../../risk/sizing/size-rule.js";
import { BatchColumns } from "../../strategy/columns.js";
import { type Cursor, SeriesReader, type Strategy, type StrategySignal } from "../../strategy/strategy.js";
import type { DecisionRecord } from "../decision.js";
import { Engine } from "../engine.js";
import { EventBus } from "../events.js";

export interface ScenarioOptions {
  readonly series: CandleSeries;
  readonly strategy: Strategy;
  /** Risk layers after the sanity layer. */
  readonly layers?: readonly RiskLayer[];
  /** Built once the portfolio exists, so that the liquidation guard can read it. */
  readonly positionManager?: (portfolio: Portfolio) => PositionManager;
  /** Regime code per bar (index into REGIMES; -1 unknown), as the regime detector would supply it. */
  readonly regimes?: readonly number[];
  readonly size?: SizeRule;
  readonly leverage?: number;
  readonly allowShort?: boolean;
  readonly cash?: number;
  readonly instrument?: Partial<Instrument>;
}

export interface ScenarioResult {
  readonly trades: readonly ClosedTrade[];
  readonly fills: readonly Fill[];
  readonly decisions: readonly DecisionRecord[];
  /** Every order the engine sent (strategy orders and position-management reductions). */
  readonly orders: readonly OrderRequest[];
  readonly cancelled: readonly { clientOrderId: string; reason: string }[];
  readonly portfolio: Portfolio;
}

/**
 * Runs the real Engine with the simulated broker over a handmade series, bar by bar as runBacktest does, with what
 * runBacktest cannot take: a regime column given directly, and a position manager that reads the portfolio.
 * Fees are 0 unless the instrument says otherwise; what is still open at the end is closed at the last close.
 */
export function runScenario(options: ScenarioOptions): ScenarioResult {
  const series = options.series;
  const portfolio = new Portfolio(options.cash ?? 10_000);
  const bus = new EventBus();
  const orders: OrderRequest[] = [];
  const cancelled: { clientOrderId: string; reason: string }[] = [];
  bus.on("ORDER_PLACED", (e) => orders.push(e.order));
  bus.on("ORDER_CANCELLED", (e) => cancelled.push({ clientOrderId: e.clientOrderId, reason: e.reason }));
  let slotCursor: Cursor | undefined;
  // The regime column follows the slot's cursor, which exists only once the slot does.
  const cursor: Cursor = {
    get index() {
      return slotCursor?.index ?? -1;
    },
  };
  const regimes = options.regimes;
  const engine = new Engine({
    portfolio,
    createBroker: (listener) => new SimulatedBroker(portfolio, listener),
    shield: new RiskShield([sanityLayer, ...(options.layers ?? [])]),
    bus,
    runId: "scenario",
    ...(options.positionManager ? { positionManager: options.positionManager(portfolio) } : {}),
    ...(regimes ? { regimeColumn: () => new SeriesReader({ values: Float64Array.from(regimes) }, cursor) } : {}),
  });
  const instrument = defaultInstrument(series.symbol, { makerFee: 0, takerFee: 0, ...options.instrument });
  const slot = engine.addSlot(
    {
      symbol: series.symbol,
      timeframe: series.timeframe,
      strategy: options.strategy,
      instrument,
      size: options.size ?? { type: "fixed-base", value: 4 },
      ...(options.leverage !== undefined ? { leverage: options.leverage } : {}),
      ...(options.allowShort !== undefined ? { allowShort: options.allowShort } : {}),
    },
    () => series,
    new BatchColumns(series),
  );
  slotCursor = slot.cursor;
  for (let i = 0; i < series.length; i++) {
    engine.step(slot, i);
    engine.observe(series.time[i] as number);
  }
  (engine.broker as SimulatedBroker).flatten(series.symbol, series.length - 1, "end of backtest");
  return { trades: portfolio.trades, fills: engine.fills, decisions: engine.decisions, orders, cancelled, portfolio };
}

/** A strategy that sends the given signals at the given bar indices and holds otherwise. */
export function scripted(signals: Readonly<Record<number, StrategySignal>>, name = "scripted"): Strategy {
  return { name, parameters: {}, init: () => (context) => signals[context.index] };
}

/** A long entry signal (optionally with exits attached), for `scripted`. */
export function buy(confidence = 1, exits?: AttachedExits): StrategySignal {
  return { action: "buy", reason: "test entry", confidence, ...(exits ? { exits } : {}) };
}

/** `count` quiet bars at 100 (high 100.25, low 99.75: true range and ATR 0.5). */
export function quietBars(count: number): [number, number, number, number][] {
  return Array.from({ length: count }, () => [100, 100.25, 99.75, 100] as [number, number, number, number]);
}
