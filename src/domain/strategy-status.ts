/**
 * The lifecycle of a strategy (AI Trading Lab's, issue 10): generated → backtested → validated → shadow (paper) →
 * awaiting approval → live-small → live (scaled up) → retired. Which moves are allowed, and who may make them, is
 * the engine's lifecycle (src/engine/lifecycle); the store only records them.
 */
export const STRATEGY_STATUSES = [
  "generated",
  "backtested",
  "validated",
  "shadow",
  "awaiting-approval",
  "live-small",
  "live",
  "retired",
] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];
