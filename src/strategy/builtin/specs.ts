import type { StrategySpecInput } from "../spec/schema.js";
import { ALGO_TRADING_LAB_TECHNICAL } from "./algo-trading-lab.js";
import { withStandardOptions } from "./standard-parameters.js";

/** The built-in strategies, written as specs: each is long-only with no stop unless its parameters say otherwise. */
export const BUILTIN_SPECS: Readonly<Record<string, StrategySpecInput>> = {
  "sma-cross": withStandardOptions({
    name: "sma-cross",
    description: "Buy when the fast SMA crosses above the slow SMA; sell everything when it crosses below.",
    parameters: {
      fast: { default: 10, min: 2, max: 500, integer: true },
      slow: { default: 30, min: 2, max: 1000, integer: true },
    },
    indicators: { fast: { type: "sma", period: "$fast" }, slow: { type: "sma", period: "$slow" } },
    entry: { long: { crossAbove: ["fast", "slow"] }, short: { crossBelow: ["fast", "slow"] } },
    exit: { long: { crossBelow: ["fast", "slow"] }, short: { crossAbove: ["fast", "slow"] } },
  }),
  "ema-cross": withStandardOptions({
    name: "ema-cross",
    description: "Buy when the fast EMA crosses above the slow EMA; sell when it crosses below.",
    parameters: {
      fast: { default: 12, min: 2, max: 500, integer: true },
      slow: { default: 26, min: 2, max: 1000, integer: true },
    },
    indicators: { fast: { type: "ema", period: "$fast" }, slow: { type: "ema", period: "$slow" } },
    entry: { long: { crossAbove: ["fast", "slow"] }, short: { crossBelow: ["fast", "slow"] } },
    exit: { long: { crossBelow: ["fast", "slow"] }, short: { crossAbove: ["fast", "slow"] } },
  }),
  "rsi-reversion": withStandardOptions({
    name: "rsi-reversion",
    description: "Buy when RSI falls below the oversold level; sell when it rises above the overbought level.",
    parameters: {
      period: { default: 14, min: 2, max: 200, integer: true },
      oversold: { default: 30, min: 1, max: 50 },
      overbought: { default: 70, min: 50, max: 99 },
    },
    indicators: { rsi: { type: "rsi", period: "$period" } },
    entry: { long: { lt: ["rsi", "$oversold"] }, short: { gt: ["rsi", "$overbought"] } },
    exit: { long: { gt: ["rsi", "$overbought"] }, short: { lt: ["rsi", "$oversold"] } },
  }),
  "bollinger-reversion": withStandardOptions({
    name: "bollinger-reversion",
    description: "Buy when the close falls below the lower Bollinger band; sell when it gets back to the middle band.",
    parameters: {
      period: { default: 20, min: 2, max: 500, integer: true },
      deviations: { default: 2, min: 0.5, max: 5 },
    },
    indicators: { bb: { type: "bbands", period: "$period", nbdevup: "$deviations", nbdevdn: "$deviations" } },
    entry: { long: { lt: ["close", "bb.lower"] }, short: { gt: ["close", "bb.upper"] } },
    exit: { long: { gt: ["close", "bb.middle"] }, short: { lt: ["close", "bb.middle"] } },
  }),
  "macd-trend": withStandardOptions({
    name: "macd-trend",
    description: "Buy when the MACD line crosses above its signal line; sell when it crosses below.",
    parameters: {
      fast: { default: 12, min: 2, max: 200, integer: true },
      slow: { default: 26, min: 2, max: 500, integer: true },
      signal: { default: 9, min: 1, max: 200, integer: true },
    },
    indicators: { macd: { type: "macd", fastPeriod: "$fast", slowPeriod: "$slow", signalPeriod: "$signal" } },
    entry: { long: { crossAbove: ["macd.macd", "macd.signal"] }, short: { crossBelow: ["macd.macd", "macd.signal"] } },
    exit: { long: { crossBelow: ["macd.macd", "macd.signal"] }, short: { crossAbove: ["macd.macd", "macd.signal"] } },
  }),
  "donchian-breakout": withStandardOptions({
    name: "donchian-breakout",
    description:
      "Buy when the close breaks above the highest high of the previous `entry` bars; sell when it breaks below the lowest low of the previous `exit` bars (turtle style).",
    parameters: {
      entry: { default: 20, min: 1, max: 500, integer: true },
      exit: { default: 10, min: 1, max: 500, integer: true },
    },
    indicators: {
      entryChannel: { type: "donchian", period: "$entry" },
      exitChannel: { type: "donchian", period: "$exit" },
    },
    entry: {
      long: { gt: ["close", { ref: "entryChannel.upper", ago: 1 }] },
      short: { lt: ["close", { ref: "entryChannel.lower", ago: 1 }] },
    },
    exit: {
      long: { lt: ["close", { ref: "exitChannel.lower", ago: 1 }] },
      short: { gt: ["close", { ref: "exitChannel.upper", ago: 1 }] },
    },
  }),
  "atl-technical": withStandardOptions(ALGO_TRADING_LAB_TECHNICAL),
};
