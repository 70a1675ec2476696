import { describe, expect, it } from "vitest";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import {
  factorCoefficients,
  GAUSSIAN_TABLE,
  normalQuantile,
  seasonalVarianceTable,
  seasonIndex,
} from "./volatility-shape.js";

const mean = (values: Float64Array) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe("seasonalVarianceTable", () => {
  it("averages to 1 over the week, so it leaves the long-run variance unchanged", () => {
    for (const timeframe of ["1m", "1h", "4h", "1d"] as const) {
      expect(mean(seasonalVarianceTable(TIMEFRAMES[timeframe], true)), timeframe).toBeCloseTo(1, 12);
    }
  });

  it("is busiest at the US open and calmest on Saturday, for hourly bars", () => {
    const table = seasonalVarianceTable(TIMEFRAMES["1h"], true);
    const monday = Date.UTC(2024, 0, 1);
    const at = (day: number, hour: number) =>
      table[seasonIndex(monday + day * 86_400_000 + hour * 3_600_000)] as number;
    expect(at(0, 14)).toBeGreaterThan(1.2 * at(0, 4));
    expect(at(5, 14)).toBeLessThan(0.6 * at(0, 14)); // Saturday
  });

  it("averages the hours a 4h bar covers", () => {
    const hourly = seasonalVarianceTable(TIMEFRAMES["1h"], true);
    const fourHourly = seasonalVarianceTable(TIMEFRAMES["4h"], true);
    const expected = (hourly[8]! + hourly[9]! + hourly[10]! + hourly[11]!) / 4;
    expect(fourHourly[8]).toBeCloseTo(expected, 12);
  });

  it("is flat when disabled or for bars of a week", () => {
    expect(seasonalVarianceTable(TIMEFRAMES["1h"], false).every((v) => v === 1)).toBe(true);
    expect(seasonalVarianceTable(TIMEFRAMES["1w"], true).every((v) => v === 1)).toBe(true);
  });

  it("indexes the hour of the week from Thursday 00:00 UTC, also before 1970", () => {
    expect(seasonIndex(0)).toBe(0);
    expect(seasonIndex(Date.UTC(1970, 0, 1, 5, 59))).toBe(5);
    expect(seasonIndex(-3_600_000)).toBe(167);
  });
});

describe("normalQuantile and GAUSSIAN_TABLE", () => {
  it("inverts the standard normal distribution", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424309, 7);
    expect(normalQuantile(0.01)).toBeCloseTo(-normalQuantile(0.99), 12);
  });

  it("is a symmetric, unit-variance Gaussian clipped at ±3.7", () => {
    const variance = GAUSSIAN_TABLE.reduce((sum, x) => sum + x * x, 0) / GAUSSIAN_TABLE.length;
    expect(mean(GAUSSIAN_TABLE)).toBeCloseTo(0, 12);
    expect(variance).toBeGreaterThan(0.995);
    expect(variance).toBeLessThan(1);
    expect(Math.max(...GAUSSIAN_TABLE)).toBeLessThan(3.7);
  });
});

describe("factorCoefficients", () => {
  const tableVariance = GAUSSIAN_TABLE.reduce((sum, x) => sum + x * x, 0) / GAUSSIAN_TABLE.length;

  it("keeps each factor's stationary variance whatever its update stride", () => {
    const coefficients = factorCoefficients([
      { halfLifeBars: 0, logSd: 0.5 },
      { halfLifeBars: 10, logSd: 0.2 },
      { halfLifeBars: 6400, logSd: 0.4 },
    ]);
    expect(Array.from(coefficients.stride)).toEqual([1, 1, 100]);
    expect(coefficients.persistence[0]).toBe(0);
    expect(coefficients.persistence[2]).toBeCloseTo(0.5 ** (100 / 6400), 12);
    coefficients.stationarySd.forEach((sd, j) => {
      const phi = coefficients.persistence[j] as number;
      const innovation = coefficients.innovationSd[j] as number;
      expect((innovation ** 2 * tableVariance) / (1 - phi * phi)).toBeCloseTo(sd * sd, 12);
    });
  });

  it("centres a factor drawn afresh every bar exactly: E[exp(factor − correction)] = 1 over the table", () => {
    const { innovationSd, meanCorrection } = factorCoefficients([{ halfLifeBars: 0, logSd: 0.5 }]);
    const scale = innovationSd[0] as number;
    const average = mean(GAUSSIAN_TABLE.map((x) => Math.exp(scale * x - meanCorrection)));
    expect(average).toBeCloseTo(1, 12);
  });

  it("centres a persistent factor by half its variance in ln σ² (2 × logSd squared)", () => {
    expect(factorCoefficients([{ halfLifeBars: 500, logSd: 0.4 }]).meanCorrection).toBeCloseTo(0.32, 12);
  });
});
