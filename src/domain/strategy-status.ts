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

/** One move of a strategy through its lifecycle: who made it, when and why. */
export interface StrategyTransition {
  readonly strategyId: string;
  readonly fromStatus?: StrategyStatus;
  readonly toStatus: StrategyStatus;
  readonly by: string;
  readonly reason: string;
  readonly time: number;
  /** The evidence in numbers, when a machine made the move (gates with value and threshold, figures). */
  readonly numbers?: TransitionNumbers;
}

/** A gate a transition was judged by: its measured value (null when it could not be measured) and threshold. */
export interface TransitionGate {
  readonly gate: string;
  readonly passed: boolean;
  readonly value: number | null;
  readonly threshold: string | null;
}

/** A figure a transition cites (an out-of-sample Sharpe, a p-value …). */
export interface TransitionFigure {
  readonly name: string;
  readonly value: number;
  /** "%" when the value is in percent. */
  readonly unit?: "%";
}

export interface TransitionNumbers {
  readonly gates: readonly TransitionGate[];
  readonly figures: readonly TransitionFigure[];
}
