/**
 * Market regimes as the regime detector names them (algo-trading-lab seed). The detector writes the index of a
 * name as its code, so this order is part of the contract between the detector and the risk layers.
 */
export const REGIMES = ["bull", "bear", "crash", "sideways", "highVolatility"] as const;
export type RegimeLabel = (typeof REGIMES)[number];
