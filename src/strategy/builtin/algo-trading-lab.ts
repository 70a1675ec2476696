import type { StrategySpecInput } from "../spec/schema.js";

/**
 * The technical signal source of Algo Trading Lab (seed: algo-trading-lab-architecture.md, "Signal Logic"):
 * long when the fast EMA crosses above the slow one OR the RSI shows a hidden bullish divergence, confirmed by
 * RSI below overbought, ADX above its threshold, volume above its average, a positive MACD histogram and
 * +DI > -DI; short is the mirror. The seed gives no exit rule: the position closes on the opposite EMA cross
 * (or the standard stops). Defaults are the seed's; ranges are what the indicators accept.
 */
export const ALGO_TRADING_LAB_TECHNICAL: Omit<StrategySpecInput, "allowShort" | "exits"> = {
  name: "atl-technical",
  description:
    "Algo Trading Lab's technical source: EMA(12/26) cross or RSI hidden divergence, confirmed by RSI, ADX, volume, MACD histogram and DI.",
  parameters: {
    fast: { default: 12, min: 2, max: 500, integer: true, description: "fast EMA period" },
    slow: { default: 26, min: 2, max: 1000, integer: true, description: "slow EMA period" },
    rsiPeriod: { default: 14, min: 2, max: 200, integer: true },
    overbought: { default: 70, min: 50, max: 100, description: "longs need RSI below this" },
    oversold: { default: 30, min: 0, max: 50, description: "shorts need RSI above this" },
    adxPeriod: { default: 14, min: 2, max: 200, integer: true },
    adxThreshold: { default: 20, min: 0, max: 100, description: "ADX above this confirms a trend" },
    volumePeriod: { default: 20, min: 2, max: 500, integer: true, description: "bars of the volume average" },
    macdFast: { default: 12, min: 2, max: 200, integer: true },
    macdSlow: { default: 26, min: 2, max: 500, integer: true },
    macdSignal: { default: 9, min: 1, max: 200, integer: true },
    divergenceLookback: {
      default: 30,
      min: 1,
      max: 500,
      integer: true,
      description: "bars back the older pivot of a divergence may be",
    },
    pivot: { default: 2, min: 1, max: 20, integer: true, description: "bars on each side of a divergence pivot" },
  },
  indicators: {
    fast: { type: "ema", period: "$fast" },
    slow: { type: "ema", period: "$slow" },
    rsi: { type: "rsi", period: "$rsiPeriod" },
    adx: { type: "adx", period: "$adxPeriod" },
    volumeAverage: { type: "sma", source: "volume", period: "$volumePeriod" },
    macd: { type: "macd", fastPeriod: "$macdFast", slowPeriod: "$macdSlow", signalPeriod: "$macdSignal" },
  },
  entry: {
    long: {
      all: [
        {
          any: [
            { crossAbove: ["fast", "slow"] },
            {
              divergence: {
                kind: "hiddenBullish",
                price: "low",
                oscillator: "rsi",
                lookback: "$divergenceLookback",
                pivot: "$pivot",
              },
            },
          ],
        },
        { lt: ["rsi", "$overbought"] },
        { gt: ["adx.adx", "$adxThreshold"] },
        { gt: ["volume", "volumeAverage"] },
        { gt: ["macd.histogram", 0] },
        { gt: ["adx.plusDi", "adx.minusDi"] },
      ],
    },
    short: {
      all: [
        {
          any: [
            { crossBelow: ["fast", "slow"] },
            {
              divergence: {
                kind: "hiddenBearish",
                price: "high",
                oscillator: "rsi",
                lookback: "$divergenceLookback",
                pivot: "$pivot",
              },
            },
          ],
        },
        { gt: ["rsi", "$oversold"] },
        { gt: ["adx.adx", "$adxThreshold"] },
        { gt: ["volume", "volumeAverage"] },
        { lt: ["macd.histogram", 0] },
        { gt: ["adx.minusDi", "adx.plusDi"] },
      ],
    },
  },
  exit: { long: { crossBelow: ["fast", "slow"] }, short: { crossAbove: ["fast", "slow"] } },
};
