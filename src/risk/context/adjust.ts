import type { RiskCheckResult } from "../shield.js";

/** The verdict of an "adjust" layer: "scale" with the multiplier, or "allow" when it is exactly neutral. */
export function adjustment(layer: string, scale: number, reason: string): RiskCheckResult {
  return scale === 1 ? { layer, verdict: "allow", reason } : { layer, verdict: "scale", scale, reason };
}

/** Orders that only reduce a position are never sized by market context; the record still says what it is. */
export function reduceOnlyVerdict(layer: string, state: string): RiskCheckResult {
  return { layer, verdict: "allow", reason: `reduces a position, not sized by context (${state})` };
}
