/**
 * Aegis: `import { runBacktest } from "aegis"`. Sub-paths give smaller imports: `aegis/indicators`,
 * `aegis/data`, `aegis/backtest`, `aegis/domain`.
 */
export * from "./backtest/index.js";
export * from "./domain/index.js";
