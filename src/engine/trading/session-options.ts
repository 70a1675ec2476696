import type { MarketFeed } from "../../data/feed/market-feed.js";
import type { Clock } from "../../domain/clock.js";
import type { Instrument } from "../../domain/instrument.js";
import type { LearningRows } from "../../domain/learning.js";
import type { Timeframe } from "../../domain/timeframe.js";
import type { SimulatedBrokerOptions } from "../../execution/simulated-broker.js";
import type { VenueClient } from "../../execution/venue/venue-client.js";
import type { FeedHealth } from "../../risk/limits/feed-health.js";
import type { PositionManager } from "../../risk/position/types.js";
import type { RiskShield } from "../../risk/shield.js";
import type { SizeRule } from "../../risk/sizing/size-rule.js";
import type { SignalSource } from "../../strategy/signal-source.js";
import type { Strategy } from "../../strategy/strategy.js";
import type { TradeLearner } from "../attribution.js";
import type { DecisionCombiner } from "../combiner.js";
import type { EngineParts } from "../engine.js";
import type { EventBus } from "../events.js";
import type { SessionStore, StepRecord } from "./session-store.js";

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
  /** A feed is never stale sooner than this many ms of the clock past its expected close (FeedMonitor.minStaleMs). */
  readonly minStaleMs?: number;
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
