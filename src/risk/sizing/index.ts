export * from "./confidence-scaling.js";
export * from "./kelly.js";
export * from "./regime-sizing.js";
export * from "./size-rule.js";
export * from "./sizer.js";
export * from "./sizing-config.js";
export * from "./sizing-layer.js";
export * from "./volatility-target.js";
