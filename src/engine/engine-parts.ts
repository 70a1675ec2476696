import type { OrderIdSource, OrderJournal } from "../execution/order-manager.js";
import type { Portfolio } from "../execution/portfolio.js";
import type { Venue, VenueListener } from "../execution/venue.js";
import type { PositionManager } from "../risk/position/types.js";
import type { RiskShield } from "../risk/shield.js";
import type { ColumnSource } from "../strategy/columns.js";
import type { SeriesReader, StrategySetup } from "../strategy/strategy.js";
import type { TradeLearner } from "./attribution.js";
import type { DecisionCombiner } from "./combiner.js";
import type { EventBus } from "./events.js";
import type { DeadlineTimer } from "./slot-sources.js";

/** What an engine is built from; everything but the portfolio and the venue has a default. */
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
