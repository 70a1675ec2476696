/**
 * Technical indicators, batch (typed arrays, TA-Lib names and conventions) and streaming (one bar at a time).
 * `import { rsi, RsiStream } from "aegis/indicators"`.
 */

export * from "./adx.js";
export * from "./atr.js";
export * from "./bbands.js";
export * from "./cci.js";
export * from "./donchian.js";
export * from "./ema.js";
export * from "./macd.js";
export * from "./mfi.js";
export * from "./min-max.js";
export * from "./mom.js";
export * from "./obv.js";
export * from "./roc.js";
export * from "./rsi.js";
export * from "./sma.js";
export * from "./stddev.js";
export * from "./stoch.js";
export * from "./types.js";
export * from "./volatility.js";
export * from "./volume-ratio.js";
export * from "./vwap.js";
export * from "./willr.js";
export * from "./wma.js";
