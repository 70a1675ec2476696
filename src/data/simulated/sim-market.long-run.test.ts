import { describe, expect, it } from "vitest";
import { REGIME_NAMES, type RegimeName } from "./index.js";
import { regimeShares } from "./regime-chain.js";
import { simulateMarket } from "./sim-market.js";
import { closeLogReturns, stylizedFacts } from "./stylized-facts.js";

// 5,000,000 hourly bars: 570 years, longer than any paper-trading session will ever run. Before the drift was centred
// and anchored, the price decayed from 30,000 to 0.01 by 4.2 M bars and then flipped between one and two ticks.
const BARS = 5_000_000;
const MILLION = 1_000_000;

describe(`simulateMarket over ${BARS.toLocaleString("en-US")} hourly bars (default options)`, () => {
  const { series, regimes, config } = simulateMarket({ bars: BARS });
  const startPrice = config.startPrice;

  // A random walk with this volatility would spread the log price by ~8.7 (a factor of 6,000 either way) over 570 years;
  // anchored with a 4-year half-life its spread stays near 1.1, and its extremes over the whole run near ±5.
  it("neither drifts to zero nor explodes: closes within ×/÷ 500 of the start, the log price centred with a spread < 2", () => {
    let lowest = Number.POSITIVE_INFINITY;
    let highest = 0;
    let logSum = 0;
    let logSquares = 0;
    let lowestLow = Number.POSITIVE_INFINITY;
    for (let i = 0; i < BARS; i++) {
      const c = series.close[i] as number;
      lowestLow = Math.min(lowestLow, series.low[i] as number);
      if (c < lowest) lowest = c;
      if (c > highest) highest = c;
      const logPrice = Math.log(c / startPrice);
      logSum += logPrice;
      logSquares += logPrice * logPrice;
    }
    expect(lowest).toBeGreaterThan(startPrice / 500);
    expect(highest).toBeLessThan(startPrice * 500);
    const logMean = logSum / BARS;
    expect(Math.abs(logMean)).toBeLessThan(0.5);
    expect(Math.sqrt(logSquares / BARS - logMean * logMean)).toBeLessThan(2);
    // The floor (1/1000 of the start) bounds the path but is never where it goes.
    expect(lowestLow).toBeGreaterThan(startPrice / 1000);
  });

  it("has no ±100 % bars: the largest close-to-close move stays below 60 %, and every bar is consistent", () => {
    let largestMove = 0;
    let inconsistent = 0;
    for (let i = 1; i < BARS; i++) {
      const move = Math.abs((series.close[i] as number) / (series.close[i - 1] as number) - 1);
      if (move > largestMove) largestMove = move;
      const o = series.open[i] as number;
      const h = series.high[i] as number;
      const l = series.low[i] as number;
      const c = series.close[i] as number;
      if (!(h >= o && h >= c && l <= o && l <= c && l > 0 && o === series.close[i - 1])) inconsistent++;
    }
    expect(largestMove).toBeLessThan(0.6);
    expect(inconsistent).toBe(0);
  });

  it("keeps σ, kurtosis and volatility clustering of the first and last million bars within a band", () => {
    const first = stylizedFacts(closeLogReturns(series, 0, MILLION));
    const last = stylizedFacts(closeLogReturns(series, BARS - MILLION, BARS));
    expect(last.sigma / first.sigma).toBeGreaterThan(0.85);
    expect(last.sigma / first.sigma).toBeLessThan(1.18);
    expect(last.kurtosis / first.kurtosis).toBeGreaterThan(0.6);
    expect(last.kurtosis / first.kurtosis).toBeLessThan(1.6);
    expect(last.acfAbs1 / first.acfAbs1).toBeGreaterThan(0.85);
    expect(last.acfAbs1 / first.acfAbs1).toBeLessThan(1.18);
    expect(last.acfAbs168 / first.acfAbs168).toBeGreaterThan(0.7);
    expect(last.acfAbs168 / first.acfAbs168).toBeLessThan(1.4);
  });

  it("spends the long-run share of time in each regime, in the first and in the last million bars", () => {
    const expected = regimeShares(
      {
        meanDuration: REGIME_NAMES.map((name: RegimeName) => config.regimes[name].meanDurationBars),
        next: REGIME_NAMES.map((name) => REGIME_NAMES.map((other) => config.regimes[name].next[other] ?? 0)),
      },
      REGIME_NAMES.indexOf(config.initialRegime),
    );
    for (const from of [0, BARS - MILLION]) {
      const counts = new Float64Array(REGIME_NAMES.length);
      for (let i = from; i < from + MILLION; i++)
        counts[regimes[i] as number] = (counts[regimes[i] as number] as number) + 1;
      REGIME_NAMES.forEach((name, r) => {
        expect(
          Math.abs((counts[r] as number) / MILLION - (expected[r] as number)),
          `${name} from bar ${from}`,
        ).toBeLessThan(0.04);
      });
    }
  });
});
