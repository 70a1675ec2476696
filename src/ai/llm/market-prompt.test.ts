import { describe, expect, it } from "vitest";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { renderMarketPrompt } from "./market-prompt.js";
import { BTC_1H_FILE, hitRate, loadBtcHistory, MemorizingModel, sampleBars } from "./testing/memorizing-model.js";

const candles = {
  time: [Date.UTC(2024, 2, 1, 10), Date.UTC(2024, 2, 1, 11), Date.UTC(2024, 2, 1, 12)],
  open: [100, 102, 99],
  high: [103, 104, 101],
  low: [99, 98, 97],
  close: [102, 99, 100],
  volume: [10, 30, 20],
};
const indicators = [
  { name: "sma3", values: [Number.NaN, Number.NaN, 100.333], kind: "price" as const },
  { name: "rsi14", values: [55.123, 40, 48.5], kind: "level" as const },
];

describe("renderMarketPrompt", () => {
  it("unmasked: dates, prices, the ticker and the indicators as they are", () => {
    expect(renderMarketPrompt({ symbol: "BTC/USDT", timeframe: "1h", candles, indicators, masked: false })).toBe(
      [
        "Market: BTC/USDT, 1h bars, oldest first; the last row is the latest closed bar.",
        "time (UTC) | open | high | low | close | volume | sma3 | rsi14",
        "2024-03-01 10:00 | 100 | 103 | 99 | 102 | 10 | n/a | 55.12",
        "2024-03-01 11:00 | 102 | 104 | 98 | 99 | 30 | n/a | 40",
        "2024-03-01 12:00 | 99 | 101 | 97 | 100 | 20 | 100.333 | 48.5",
      ].join("\n"),
    );
  });

  it("masked: % from the last close, volume over its mean, bar offsets, ASSET; oscillators unchanged", () => {
    const prompt = renderMarketPrompt({ symbol: "BTC/USDT", timeframe: "1h", candles, indicators, masked: true });
    expect(prompt.split("\n").slice(1)).toEqual([
      "bar | open | high | low | close | volume/mean | sma3 | rsi14",
      "-2 | 0.00 | +3.00 | -1.00 | +2.00 | 0.50 | n/a | 55.12",
      "-1 | +2.00 | +4.00 | -2.00 | -1.00 | 1.50 | n/a | 40",
      "0 | -1.00 | +1.00 | -3.00 | 0.00 | 1.00 | +0.33 | 48.5",
    ]);
    expect(prompt).toContain("Market: ASSET, 1h bars");
    expect(prompt).not.toMatch(/BTC|USDT|2024|10[0-4]\b/);
  });

  it("shows the last `bars` bars up to `end`, and refuses a bar outside the candles", () => {
    const prompt = renderMarketPrompt({ symbol: "X", timeframe: "1h", candles, end: 1, bars: 1, masked: true });
    expect(prompt.split("\n").slice(2)).toEqual(["0 | +3.03 | +5.05 | -1.01 | 0.00 | 1.00"]);
    expect(() => renderMarketPrompt({ symbol: "X", timeframe: "1h", candles, end: 3, masked: true })).toThrow(
      "market prompt: bar 3 is outside the 3 candles",
    );
  });
});

describe.skipIf(!sharedDataPresent(BTC_1H_FILE))(
  "masking against a model that memorized the real BTC 1h history",
  () => {
    const history = loadBtcHistory() as NonNullable<ReturnType<typeof loadBtcHistory>>;
    const sample = sampleBars(history.close.length, 200, 24);
    const rate = (masked: boolean, options: { matchPattern?: boolean; bars?: number; decimals?: number } = {}) => {
      const model = new MemorizingModel(history, { matchPattern: options.matchPattern });
      return hitRate(history, sample, (i) =>
        model.answer(
          renderMarketPrompt({
            symbol: "BTC/USDT",
            timeframe: "1h",
            candles: history,
            end: i,
            bars: options.bars ?? 24,
            masked,
            maskedDecimals: options.decimals,
          }),
        ),
      );
    };

    it("unmasked, the memorizer finds every bar by its date and calls every next bar right", () => {
      expect(rate(false)).toBe(1);
    });

    it("masked, a memorizer that looks bars up by date or price falls to a coin flip", () => {
      expect(rate(true)).toBeGreaterThan(0.4);
      expect(rate(true)).toBeLessThan(0.6);
    });

    it("masked, a memorizer that searches for the shape still finds 24 bars at 0.01 % precision: masking is not enough alone", () => {
      expect(rate(true, { matchPattern: true })).toBe(1);
    });
  },
);
