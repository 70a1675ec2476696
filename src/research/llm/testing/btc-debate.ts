/** A scripted architect for the real-data debate: a trend breakout, then two revisions a model might try. */
export const BTC_DEBATE_SUGGESTION = {
  reason: "the live moving-average cross is whipsawed in ranges",
  proposedChange: "trade channel breakouts only when ADX confirms a trend, with an ATR stop",
};

export const BTC_DEBATE_SPECS = [
  {
    name: "donchian-adx-atr",
    indicators: { dc: { type: "donchian", period: 20 }, adx: { type: "adx", period: 14 } },
    entry: { long: { all: [{ gt: ["close", { ref: "dc.upper", ago: 1 }] }, { gt: ["adx", 25] }] } },
    exit: { long: { lt: ["close", { ref: "dc.lower", ago: 1 }] } },
    exits: { stopLossAtr: 2, atrPeriod: 14 },
  },
  {
    name: "donchian-adx-atr-slower",
    indicators: {
      dc: { type: "donchian", period: 55 },
      adx: { type: "adx", period: 14 },
      trend: { type: "ema", period: 200 },
    },
    entry: {
      long: { all: [{ gt: ["close", { ref: "dc.upper", ago: 1 }] }, { gt: ["adx", 25] }, { gt: ["close", "trend"] }] },
    },
    exit: { long: { lt: ["close", { ref: "dc.lower", ago: 1 }] } },
    exits: { stopLossAtr: 3, atrPeriod: 14, takeProfitAtr: 9 },
  },
  {
    name: "ema-trend-pullback",
    indicators: {
      fast: { type: "ema", period: 50 },
      slow: { type: "ema", period: 200 },
      rsi: { type: "rsi", period: 14 },
    },
    entry: { long: { all: [{ gt: ["fast", "slow"] }, { crossAbove: ["rsi", 40] }] } },
    exit: { long: { crossBelow: ["fast", "slow"] } },
    exits: { stopLossAtr: 2.5, atrPeriod: 14, takeProfitAtr: 5 },
  },
];
