import { describe, expect, it } from "vitest";
import { REGIME_NAMES, Regime, regimeName, resolveSimulatedMarketOptions } from "./sim-market-options.js";

describe("resolveSimulatedMarketOptions", () => {
  it("fills in every default when given nothing", () => {
    const config = resolveSimulatedMarketOptions();
    expect(config).toMatchObject({
      seed: 42,
      bars: 10_000,
      timeframe: "1h",
      startTime: Date.UTC(2024, 0, 1),
      startPrice: 30_000,
      symbol: "SIM/USDT",
      tickSize: 0.01,
      flashCrashProbability: 1 / 20_000,
      initialRegime: "sideways",
      seasonality: true,
      anchorHalfLifeYears: 4,
    });
    expect(config.flashCrash).toMatchObject({ minDrop: 0.05, maxDrop: 0.15 });
    expect(config.volatilityFactors.length).toBeGreaterThan(0);
    for (const name of REGIME_NAMES) {
      const regime = config.regimes[name];
      expect(regime.garchAlpha + regime.garchBeta).toBeLessThan(1);
      expect(regime.tailDegreesOfFreedom).toBeGreaterThan(2);
    }
    expect(config.regimes.highVolatility.annualVolatility).toBeGreaterThan(config.regimes.sideways.annualVolatility);
    expect(config.regimes.bull.annualDrift).toBeGreaterThan(0);
    expect(config.regimes.bear.annualDrift).toBeLessThan(0);
  });

  it("merges a partial regime override with that regime's defaults", () => {
    const config = resolveSimulatedMarketOptions({ regimes: { bull: { annualDrift: 2 } } });
    expect(config.regimes.bull.annualDrift).toBe(2);
    expect(config.regimes.bull.meanDurationBars).toBe(720);
    expect(config.regimes.bear.annualDrift).toBe(-0.8);
  });

  it("accepts startTime as Unix ms, ISO string or Date", () => {
    const expected = Date.UTC(2023, 5, 1, 12);
    expect(resolveSimulatedMarketOptions({ startTime: expected }).startTime).toBe(expected);
    expect(resolveSimulatedMarketOptions({ startTime: "2023-06-01T12:00:00Z" }).startTime).toBe(expected);
    expect(resolveSimulatedMarketOptions({ startTime: new Date(expected) }).startTime).toBe(expected);
  });

  it("rejects a negative bar count naming the field and its value", () => {
    expect(() => resolveSimulatedMarketOptions({ bars: -5 })).toThrow(/bars: -5 \(/);
  });

  it("rejects unknown keys at any depth naming their path", () => {
    expect(() => resolveSimulatedMarketOptions({ bar: 10 })).toThrow(/bar: unknown option/);
    expect(() => resolveSimulatedMarketOptions({ regimes: { bull: { drift: 1 } } })).toThrow(
      /regimes\.bull\.drift: unknown option/,
    );
    expect(() => resolveSimulatedMarketOptions({ regimes: { crab: {} } })).toThrow(/regimes\.crab: unknown option/);
  });

  it("rejects a non-stationary GARCH naming the regime", () => {
    expect(() => resolveSimulatedMarketOptions({ regimes: { bear: { garchAlpha: 0.2, garchBeta: 0.85 } } })).toThrow(
      /regimes\.bear\.garchBeta: 0\.85 \(garchAlpha \+ garchBeta must be < 1/,
    );
  });

  it("rejects Student-t degrees of freedom at or below 2, whose variance does not exist", () => {
    expect(() => resolveSimulatedMarketOptions({ regimes: { sideways: { tailDegreesOfFreedom: 2 } } })).toThrow(
      /regimes\.sideways\.tailDegreesOfFreedom: 2/,
    );
  });

  it("rejects a regime that switches to itself or to nothing", () => {
    expect(() => resolveSimulatedMarketOptions({ regimes: { bull: { next: { bull: 1 } } } })).toThrow(
      /regimes\.bull\.next\.bull: 1 \(a regime cannot switch to itself/,
    );
    expect(() => resolveSimulatedMarketOptions({ regimes: { bull: { next: { bear: 0 } } } })).toThrow(
      /regimes\.bull\.next: \{"bear":0\} \(needs a positive weight/,
    );
  });

  it("rejects crash bounds that are reversed or impossible", () => {
    expect(() => resolveSimulatedMarketOptions({ flashCrash: { minDrop: 0.5, maxDrop: 0.3 } })).toThrow(
      /flashCrash\.maxDrop: 0\.3 \(must be >= minDrop \(0\.5\)\)/,
    );
    expect(() => resolveSimulatedMarketOptions({ flashCrash: { maxDrop: 1 } })).toThrow(/flashCrash\.maxDrop: 1/);
    expect(() => resolveSimulatedMarketOptions({ flashCrashProbability: 2 })).toThrow(/flashCrashProbability: 2/);
  });

  it("rejects volatility factors and an anchor half-life out of range, naming the field", () => {
    expect(() => resolveSimulatedMarketOptions({ volatilityFactors: [{ halfLifeBars: -1, logSd: 0.2 }] })).toThrow(
      /volatilityFactors\.0\.halfLifeBars: -1/,
    );
    expect(() => resolveSimulatedMarketOptions({ volatilityFactors: [{ halfLifeBars: 10, logSd: 3 }] })).toThrow(
      /volatilityFactors\.0\.logSd: 3/,
    );
    expect(() => resolveSimulatedMarketOptions({ volatilityFactors: [{ halfLife: 10, logSd: 0.1 }] })).toThrow(
      /volatilityFactors\.0\.halfLife: unknown option/,
    );
    expect(() => resolveSimulatedMarketOptions({ anchorHalfLifeYears: 0 })).toThrow(/anchorHalfLifeYears: 0/);
  });

  it("rejects an unknown timeframe, a bad date and a start that is not on a bar boundary", () => {
    expect(() => resolveSimulatedMarketOptions({ timeframe: "7m" as "1m" })).toThrow(/timeframe: "7m"/);
    expect(() => resolveSimulatedMarketOptions({ startTime: "yesterday" })).toThrow(/startTime: "yesterday"/);
    expect(() => resolveSimulatedMarketOptions({ startTime: Date.UTC(2024, 0, 1, 0, 30) })).toThrow(
      /startTime: \d+ \(2024-01-01T00:30:00\.000Z is not the start of a 1h bar\)/,
    );
  });

  it("lists every problem at once", () => {
    expect(() => resolveSimulatedMarketOptions({ bars: 0, startPrice: -1, symbol: "" })).toThrow(
      /bars: 0 .*startPrice: -1 .*symbol: ""/,
    );
  });
});

describe("regimeName", () => {
  it("names each regime value and rejects an unknown one", () => {
    expect(regimeName(Regime.Bull)).toBe("bull");
    expect(regimeName(Regime.HighVolatility)).toBe("highVolatility");
    expect(() => regimeName(9 as Regime)).toThrow(/unknown regime 9/);
  });
});
