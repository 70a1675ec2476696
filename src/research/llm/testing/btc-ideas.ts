/** Three scripted hypothesis ideas for the real-data run (what a model might propose; the numbers are measured). */
export const BTC_IDEAS = {
  ideas: [
    {
      name: "donchian-adx-breakout",
      thesis: "Breakouts of the 20-bar channel persist when ADX says the market trends.",
      indicators: { dc: { type: "donchian", period: 20 }, adx: { type: "adx", period: 14 } },
      entry: { long: { all: [{ gt: ["close", { ref: "dc.upper", ago: 1 }] }, { gt: ["adx", 25] }] } },
      stopAtr: 2,
      targetAtr: 4,
    },
    {
      name: "rsi-oversold-bounce",
      thesis: "Hourly panics overshoot: buy RSI(14) crossing back above 30, sell above 70.",
      indicators: { rsi: { type: "rsi", period: 14 } },
      entry: { long: { crossAbove: ["rsi", 30] } },
      exit: { long: { gt: ["rsi", 70] } },
      stopAtr: 1.5,
      targetAtr: 3,
    },
    {
      name: "volume-shock-momentum",
      thesis: "Crazy idea: a volume shock (3x the 20-bar mean) above the 50 EMA starts a run.",
      indicators: { vr: { type: "volumeRatio", period: 20 }, trend: { type: "ema", period: 50 } },
      entry: { long: { all: [{ gt: ["vr", 3] }, { gt: ["close", "trend"] }] } },
      stopAtr: 1,
      targetAtr: 3,
    },
  ],
};
