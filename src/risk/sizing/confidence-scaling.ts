import type { RiskCheckResult, RiskLayer } from "../shield.js";

/**
 * Confidence-scaled sizing (algo-trading-lab seed): size × confidence^exponent (default 1.5), so a 0.8-confident
 * decision trades 72 % of the base and a 0.5-confident one 35 %. Confidence is clamped to [0, 1]; a missing (NaN)
 * confidence leaves the size alone and says so. An "adjust"-phase layer: a multiplier of whatever base there is.
 */
export function createConfidenceScaling(exponent = 1.5): RiskLayer {
  if (!(exponent >= 0) || !Number.isFinite(exponent)) {
    throw new RangeError(`confidence scaling: exponent must be a finite number >= 0, got ${exponent}`);
  }
  const name = "confidence-scaling";
  const reducing: RiskCheckResult = Object.freeze({
    layer: name,
    verdict: "allow",
    reason: "reduces a position: not scaled",
  });
  const unknown: RiskCheckResult = Object.freeze({
    layer: name,
    verdict: "allow",
    reason: "confidence unknown: size unchanged (neutral)",
  });
  // The verdict depends on the confidence alone, and decisions repeat a few confidences (1 for plain rules): the
  // verdict of the last one is kept.
  let lastConfidence = Number.NaN;
  let lastResult: RiskCheckResult = unknown;
  return {
    name,
    phase: "adjust",
    check(order) {
      if (order.reduceOnly) return reducing;
      if (Number.isNaN(order.confidence)) return unknown;
      if (order.confidence === lastConfidence) return lastResult;
      const confidence = Math.min(1, Math.max(0, order.confidence));
      const scale = confidence ** exponent;
      const words = `confidence ${confidence.toFixed(3)}^${exponent} = ${scale.toFixed(4)}`;
      const result: RiskCheckResult = Object.freeze(
        scale === 1
          ? { layer: name, verdict: "allow", reason: `${words}: size unchanged` }
          : { layer: name, verdict: "scale", scale, reason: words },
      );
      lastConfidence = order.confidence;
      lastResult = result;
      return result;
    },
  };
}
