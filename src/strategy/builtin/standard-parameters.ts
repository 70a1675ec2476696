import type { StrategySpecInput } from "../spec/schema.js";

/**
 * Parameters every built-in strategy shares, so that shorts, stops and targets are switched on from the command
 * line (`--param short=1 --param stopLoss=2`) and default to off: long-only, no stop.
 */
export const STANDARD_PARAMETERS = {
  short: { default: 0, min: 0, max: 1, integer: true, description: "1 = also trade the short side" },
  stopLoss: { default: 0, min: 0, max: 90, description: "stop-loss in % of entry (0 = off)" },
  takeProfit: { default: 0, min: 0, max: 1000, description: "take-profit in % of entry (0 = off)" },
  trailingStop: { default: 0, min: 0, max: 90, description: "trailing stop in % (0 = off)" },
  stopLossAtr: { default: 0, min: 0, max: 20, description: "stop-loss in ATR(14) multiples (0 = off)" },
  takeProfitAtr: { default: 0, min: 0, max: 50, description: "take-profit in ATR(14) multiples (0 = off)" },
  timeExit: { default: 0, min: 0, integer: true, description: "close after this many bars (0 = off)" },
} as const;

export const STANDARD_EXITS = {
  stopLossPct: "$stopLoss",
  takeProfitPct: "$takeProfit",
  trailingStopPct: "$trailingStop",
  stopLossAtr: "$stopLossAtr",
  takeProfitAtr: "$takeProfitAtr",
  timeExitBars: "$timeExit",
} as const;

/** Adds the standard parameters and exits to a built-in spec. */
export function withStandardOptions(spec: Omit<StrategySpecInput, "allowShort" | "exits">): StrategySpecInput {
  return {
    ...spec,
    parameters: { ...spec.parameters, ...STANDARD_PARAMETERS },
    allowShort: "$short",
    exits: { ...STANDARD_EXITS },
  };
}
