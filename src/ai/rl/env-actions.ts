import type { StrategySignal } from "../../strategy/strategy.js";

/** One discrete action of an agent: what it asks the engine for, at which leverage. */
export interface EnvAction {
  readonly label: string;
  /** The strategy signal the engine receives; undefined = do nothing this bar. */
  readonly signal: "buy" | "sell" | "close" | undefined;
  readonly leverage: number;
}

/**
 * Algo Trading Lab's DQN actions: HOLD, BUY, SELL. In a long-only run SELL closes the long (the engine reads "sell"
 * as "get out" when shorts are not allowed); with shorts allowed it reverses to a short.
 */
export const TRADE_ACTIONS: readonly EnvAction[] = [
  { label: "HOLD", signal: undefined, leverage: 1 },
  { label: "BUY", signal: "buy", leverage: 1 },
  { label: "SELL", signal: "sell", leverage: 1 },
];

/** Leverage levels of the leverage DQN: the seed's 1×/3×/5×/10× plus 2×. */
export const LEVERAGE_LEVELS = [1, 2, 3, 5, 10] as const;

/**
 * The leverage DQN's 11 actions: FLAT (close), LONG at each level, SHORT at each level. Asking for the side already
 * held keeps the position as it is (no fee-paying re-open to change leverage), so it doubles as HOLD. The seed's
 * REDUCE_HALF has no engine order yet (a strategy signal opens, reverses or closes) and is left out; 2× takes its slot.
 */
export const LEVERAGE_ACTIONS: readonly EnvAction[] = [
  { label: "FLAT", signal: "close", leverage: 1 },
  ...LEVERAGE_LEVELS.map((leverage): EnvAction => ({ label: `LONG_${leverage}X`, signal: "buy", leverage })),
  ...LEVERAGE_LEVELS.map((leverage): EnvAction => ({ label: `SHORT_${leverage}X`, signal: "sell", leverage })),
];

/** The signal the engine gets for `action` (shared by the environment and a backtest replaying its actions). */
export function actionSignal(action: EnvAction): StrategySignal | undefined {
  if (action.signal === undefined) return undefined;
  return { action: action.signal, reason: `agent ${action.label}` };
}
