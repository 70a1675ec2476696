/** Exit reasons the broker writes when a position was stopped out (src/execution/simulated-broker.ts). */
export const DEFAULT_STOP_REASONS: readonly string[] = ["stop-loss", "liquidation"];

/**
 * Whether a trade's exit reason is one of `reasons`: exactly, or followed by a detail, as the broker writes a stop
 * that the open gapped through ("stop-loss (gap through 95.00)"). "stop-loss-ish" does not match "stop-loss".
 */
export function isStopExit(exitReason: string, reasons: readonly string[] = DEFAULT_STOP_REASONS): boolean {
  // Asked on every fill by two protections: a plain loop, and "followed by a space" without building the prefix.
  for (let i = 0; i < reasons.length; i++) {
    const reason = reasons[i] as string;
    if (exitReason === reason) return true;
    if (
      exitReason.length > reason.length &&
      exitReason.charCodeAt(reason.length) === 32 &&
      exitReason.startsWith(reason)
    )
      return true;
  }
  return false;
}

/** The verdict text of a protection that has nothing against an order. */
export const REDUCE_ONLY_NOTE = "reduces a position: protections only stop new positions";
