/**
 * Aegis: `import { runBacktest } from "aegis"`. Sub-paths give smaller imports: `aegis/indicators`,
 * `aegis/data`, `aegis/backtest`, `aegis/domain`.
 */
export * from "./backtest/index.js";
export * from "./domain/index.js";
export type {
  BarContext,
  OnBar,
  PositionState,
  PriceField,
  SeriesReader,
  Sizing,
  Strategy,
  StrategySetup,
  StrategySignal,
} from "./strategy/strategy.js";
