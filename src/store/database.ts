import type { ColumnType, Generated } from "kysely";

/**
 * The tables of the store as Kysely sees them (camelCase here, snake_case in the database through
 * CamelCasePlugin). Times are Unix milliseconds (`bigint` in PostgreSQL, read back as numbers); JSON columns are
 * text in both backends so that one query layer serves both, and the repositories parse them.
 */
type Id = Generated<number>;
type Json = string;

export interface OrdersTable {
  id: Id;
  clientOrderId: string;
  venueOrderId: string | null;
  venue: string | null;
  symbol: string;
  side: string;
  type: string;
  qty: number;
  price: number | null;
  stop: number | null;
  status: string;
  strategyId: string | null;
  intentTime: number;
  filledQty: ColumnType<number, number | undefined, number>;
  avgFillPrice: number | null;
  reason: string | null;
  detail: Json | null;
  createdAt: number;
  updatedAt: number;
}

export interface FillsTable {
  id: Id;
  fillKey: string;
  clientOrderId: string;
  venueTradeId: string | null;
  seq: number | null;
  symbol: string;
  side: string;
  qty: number;
  price: number;
  fee: number;
  feeCurrency: string | null;
  time: number;
}

export interface TradesTable {
  id: Id;
  tradeId: string;
  symbol: string;
  strategyId: string | null;
  side: string;
  qty: number;
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  pnl: number;
  fees: number;
  exitReason: string | null;
  detail: Json | null;
}

export interface PositionsTable {
  symbol: string;
  strategyId: string;
  side: string;
  qty: number;
  avgPrice: number;
  openedAt: number;
  updatedAt: number;
  detail: Json | null;
}

export interface DecisionsTable {
  id: Id;
  decisionKey: string;
  time: number;
  symbol: string;
  strategyId: string;
  action: string;
  outcome: string;
  reason: string | null;
  votes: Json;
  verdicts: Json;
  detail: Json | null;
}

export interface EquitySnapshotsTable {
  id: Id;
  time: number;
  equity: number;
  cash: number;
  positionsValue: number;
  detail: Json | null;
}

export interface EventsTable {
  id: Id;
  time: number;
  kind: string;
  source: string;
  detail: Json;
}

export interface StrategiesTable {
  id: string;
  name: string;
  status: string;
  source: string;
  spec: Json;
  createdAt: number;
  updatedAt: number;
}

export interface StrategyTransitionsTable {
  id: Id;
  strategyId: string;
  fromStatus: string | null;
  toStatus: string;
  by: string;
  reason: string;
  time: number;
  /** The transition's gates and figures as JSON (TransitionNumbers); null when a person moved it, or before 010. */
  numbers: Json | null;
}

export interface ConfigEntriesTable {
  key: string;
  value: Json;
  updatedBy: string;
  updatedAt: number;
}

export interface ConfigChangesTable {
  id: Id;
  key: string;
  oldValue: Json | null;
  newValue: Json | null;
  by: string;
  reason: string;
  time: number;
}

export interface LatchesTable {
  key: string;
  value: string;
  updatedAt: number;
}

export interface LlmExchangesTable {
  id: Id;
  time: number;
  role: string;
  model: string;
  prompt: string;
  response: string | null;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  error: string | null;
  decisionKey: string | null;
}

export interface SequencesTable {
  name: string;
  value: number;
}

export interface LearningTradesTable {
  id: Id;
  time: number;
  symbol: string;
  action: string;
  entryPrice: number;
  exitPrice: number | null;
  pnl: number | null;
  pnlPct: number | null;
  regime: string | null;
  strategyId: string | null;
  indicators: Json;
  outcome: string | null;
}

export interface StrategyPerformanceTable {
  id: Id;
  time: number;
  strategyId: string;
  regime: string | null;
  trades: number;
  winRate: number | null;
  avgPnl: number | null;
  sharpeRatio: number | null;
  maxDrawdown: number | null;
  profitFactor: number | null;
}

export interface OptimizationResultsTable {
  id: Id;
  time: number;
  symbol: string;
  regime: string | null;
  strategyId: string | null;
  parameters: Json;
  sharpeRatio: number | null;
  winRate: number | null;
  detail: Json | null;
}

export interface EvolvedStrategiesTable {
  id: Id;
  time: number;
  generation: number;
  fitness: number;
  genes: Json;
  regime: string | null;
  isActive: number;
}

export interface RlExperiencesTable {
  id: Id;
  time: number;
  agent: string;
  state: Json;
  action: number;
  reward: number;
  nextState: Json;
  done: number;
}

export interface RegimeTransitionsTable {
  id: Id;
  time: number;
  symbol: string;
  fromRegime: string | null;
  toRegime: string;
  indicators: Json;
}

export interface TradingSessionsTable {
  session: string;
  state: string;
  stepClose: number;
  updatedAt: number;
}

export interface ContextObservationsTable {
  id: Id;
  source: string;
  itemKey: string;
  seenAt: number;
  eventTime: number | null;
  value: Json;
}

export interface LlmReplayTable {
  key: string;
  role: string;
  model: string;
  schemaName: string;
  asOf: number;
  answer: Json;
  recordedAt: number;
}

export interface ShadowRunsTable {
  session: string;
  strategyId: string;
  state: Json;
  stepClose: number;
  iterations: number;
  equity: number;
  roi: number;
  sharpe: number | null;
  liveRoi: number;
  liveSharpe: number | null;
  ready: number;
  verdict: string;
  pValue: number | null;
  pairedDays: Generated<number>;
  updatedAt: number;
}

export interface ShadowTradesTable {
  id: Id;
  tradeId: string;
  session: string;
  strategyId: string;
  symbol: string;
  side: string;
  qty: number;
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  pnl: number;
  fees: number;
  exitReason: string | null;
}

export interface ShadowEquityTable {
  id: Id;
  session: string;
  strategyId: string;
  time: number;
  equity: number;
  liveEquity: number;
}

export interface Database {
  contextObservations: ContextObservationsTable;
  llmReplay: LlmReplayTable;
  shadowRuns: ShadowRunsTable;
  shadowTrades: ShadowTradesTable;
  shadowEquity: ShadowEquityTable;
  tradingSessions: TradingSessionsTable;
  orders: OrdersTable;
  fills: FillsTable;
  trades: TradesTable;
  positions: PositionsTable;
  decisions: DecisionsTable;
  equitySnapshots: EquitySnapshotsTable;
  events: EventsTable;
  strategies: StrategiesTable;
  strategyTransitions: StrategyTransitionsTable;
  configEntries: ConfigEntriesTable;
  configChanges: ConfigChangesTable;
  latches: LatchesTable;
  llmExchanges: LlmExchangesTable;
  sequences: SequencesTable;
  learningTrades: LearningTradesTable;
  strategyPerformance: StrategyPerformanceTable;
  optimizationResults: OptimizationResultsTable;
  evolvedStrategies: EvolvedStrategiesTable;
  rlExperiences: RlExperiencesTable;
  regimeTransitions: RegimeTransitionsTable;
}

export type Backend = "sqlite" | "postgres";
