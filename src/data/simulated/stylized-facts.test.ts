import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { sharedDataDir, sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { loadCsv } from "../csv/load-csv.js";
import { simulateMarket } from "./sim-market.js";
import { autocorrelation, closeLogReturns, type StylizedFacts, stylizedFacts } from "./stylized-facts.js";

describe("stylizedFacts", () => {
  it("measures a Gaussian white noise as σ, kurtosis 3 and no autocorrelation", () => {
    const random = createRandom(1);
    const returns = Float64Array.from({ length: 200_000 }, () => random.normal(0, 0.01));
    const facts = stylizedFacts(returns);
    expect(facts.sigma).toBeCloseTo(0.01, 4);
    expect(facts.kurtosis).toBeGreaterThan(2.95);
    expect(facts.kurtosis).toBeLessThan(3.05);
    for (const value of [facts.acfReturn1, facts.acfAbs1, facts.acfAbs24, facts.acfAbs168]) {
      expect(Math.abs(value)).toBeLessThan(0.01);
    }
  });

  it("finds the autocorrelation φ^lag of an AR(1)", () => {
    const random = createRandom(2);
    const series = new Float64Array(200_000);
    for (let i = 1; i < series.length; i++) series[i] = 0.9 * (series[i - 1] as number) + random.normal();
    expect(autocorrelation(series, 1)).toBeCloseTo(0.9, 2);
    expect(autocorrelation(series, 5)).toBeCloseTo(0.9 ** 5, 1);
  });

  it("skips non-positive closes instead of returning infinities, and refuses too short a series", () => {
    const returns = closeLogReturns({ close: Float64Array.from([1, 2, 0, 4, 8]), length: 5 });
    expect(Array.from(returns)).toEqual([Math.LN2, Math.LN2]);
    expect(() => stylizedFacts(new Float64Array(10))).toThrow(/at least 200 returns, got 10/);
  });
});

const realFile = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
const TOLERANCE = 0.25;
const RATIO_FACTS = ["sigma", "kurtosis", "acfAbs1", "acfAbs24", "acfAbs168"] as const;

// 1,000,000 bars (114 years of hours): the model's own statistics, not the luck of one seed over 7 years; kurtosis
// in particular moves by a factor of 2 between 65,699-bar stretches, of real data as of simulated.
describe.skipIf(!sharedDataPresent(realFile))(
  `simulated market vs real BTC/USDT 1h stylized facts (skipped when ${realFile} is absent)`,
  () => {
    // Measured once for both tests, on first use (the suite body runs even when skipped).
    let measured: Promise<{ real: StylizedFacts; simulated: StylizedFacts }> | undefined;
    const readFacts = () => {
      measured ??= loadCsv(realFile).then((loaded) => ({
        real: stylizedFacts(closeLogReturns(loaded.series)),
        simulated: stylizedFacts(closeLogReturns(simulateMarket({ bars: 1_000_000 }).series)),
      }));
      return measured;
    };

    it("matches σ, kurtosis and the autocorrelation of |r| at lags 1, 24 and 168 within 25 % each", async () => {
      const { real, simulated } = await readFacts();
      const misses = RATIO_FACTS.filter((fact) => Math.abs(simulated[fact] / real[fact] - 1) > TOLERANCE).map(
        (fact) => `${fact}: simulated ${simulated[fact].toPrecision(4)} vs real ${real[fact].toPrecision(4)}`,
      );
      expect(misses).toEqual([]);
    });

    it("keeps the autocorrelation of returns at lag 1 near zero, like the real series", async () => {
      const { real, simulated } = await readFacts();
      expect(Math.abs(real.acfReturn1)).toBeLessThan(0.05); // the premise: real hourly returns are unpredictable
      expect(Math.abs(simulated.acfReturn1)).toBeLessThan(0.03);
      expect(Math.abs(simulated.acfReturn1 - real.acfReturn1)).toBeLessThan(0.03);
    });
  },
);
