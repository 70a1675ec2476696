export * from "./volatility-leverage.js";
