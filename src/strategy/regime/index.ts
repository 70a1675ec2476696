export * from "./detect-regimes.js";
export * from "./regime-classifier.js";
export * from "./regime-config.js";
export * from "./rolling-percentile.js";
