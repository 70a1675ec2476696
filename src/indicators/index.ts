/**
 * Technical indicators, batch (typed arrays, TA-Lib names and conventions) and streaming (one bar at a time).
 * `import { rsi, RsiStream } from "aegis/indicators"`.
 */
export * from "./types.js";
export * from "./sma.js";
export * from "./ema.js";
export * from "./wma.js";
export * from "./stddev.js";
export * from "./bbands.js";
export * from "./rsi.js";
export * from "./macd.js";
export * from "./atr.js";
export * from "./adx.js";
export * from "./stoch.js";
export * from "./cci.js";
export * from "./roc.js";
export * from "./mom.js";
export * from "./obv.js";
export * from "./mfi.js";
export * from "./willr.js";
export * from "./vwap.js";
export * from "./volume-ratio.js";
export * from "./donchian.js";
export * from "./min-max.js";
