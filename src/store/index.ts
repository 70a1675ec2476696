/** The store of the trading runtime: open it, write through the repositories, spool when it is away. */
export type { Backend, Database } from "./database.js";
export { EXPORT_TABLES, type ExportFormat, type ExportTable, exportRecords, formatRecords } from "./export-rows.js";
export { IdAllocator, type IdAllocatorOptions } from "./id-allocator.js";
export {
  defaultStorePath,
  type OpenStoreOptions,
  openStore,
  parseStoreLocation,
  type StoreLocation,
} from "./open-store.js";
export { PostgresStateStore } from "./postgres-state-store.js";
export type { ConfigChange } from "./repositories/config-history.js";
export type { DecisionInput, DecisionRecord } from "./repositories/decisions.js";
export type { EquitySnapshot } from "./repositories/equity.js";
export type { AuditEvent, AuditEventRecord, EventQuery } from "./repositories/events.js";
export { type FillInput, type FillRecord, fillKey } from "./repositories/fills.js";
export type {
  EvolvedStrategy,
  LearningTrade,
  OptimizationResult,
  RegimeTransition,
  RlExperience,
  StrategyPerformance,
} from "./repositories/learning.js";
export type { LlmExchange } from "./repositories/llm.js";
export {
  FINAL_ORDER_STATUSES,
  type OrderChange,
  type OrderIntent,
  type OrderRecord,
  type OrderSide,
  type OrderStatus,
} from "./repositories/orders.js";
export type { TimeRange } from "./repositories/shared.js";
export {
  STRATEGY_STATUSES,
  type StrategyInput,
  type StrategyRecord,
  type StrategyStatus,
  type StrategyTransition,
} from "./repositories/strategies.js";
export type { PositionRecord, TradeRecord } from "./repositories/trades-positions.js";
export {
  ResilientStore,
  type ResilientStoreOptions,
  type StoreAlert,
  type WriteArgs,
  type WriteOp,
} from "./resilient-store.js";
export { type DurableRiskState, openRiskState } from "./risk-state.js";
export { RISK_EVENT_SOURCE, type RiskStateOptions, SqliteStateStore } from "./sqlite-state-store.js";
export { Store, StoreSession } from "./store.js";
export { isStoreUnavailable } from "./store-unavailable.js";
