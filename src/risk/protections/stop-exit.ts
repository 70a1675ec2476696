/** Exit reasons the broker writes when a position was stopped out (src/execution/simulated-broker.ts). */
export const DEFAULT_STOP_REASONS: readonly string[] = ["stop-loss", "liquidation"];

/**
 * Whether a trade's exit reason is one of `reasons`: exactly, or followed by a detail, as the broker writes a stop
 * that the open gapped through ("stop-loss (gap through 95.00)"). "stop-loss-ish" does not match "stop-loss".
 */
export function isStopExit(exitReason: string, reasons: readonly string[] = DEFAULT_STOP_REASONS): boolean {
  return reasons.some((reason) => exitReason === reason || exitReason.startsWith(`${reason} `));
}

/** The verdict text of a protection that has nothing against an order. */
export const REDUCE_ONLY_NOTE = "reduces a position: protections only stop new positions";
