export * from "./candle-buffer.js";
export * from "./candles.js";
export * from "./instrument.js";
export * from "./order.js";
export * from "./random.js";
export * from "./signal.js";
export * from "./timeframe.js";
export * from "./trade.js";
