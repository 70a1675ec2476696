import { describe, expect, it } from "vitest";
import type { CandleSeries } from "../../domain/candles.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import { simulateMarket } from "./sim-market.js";
import { REGIME_NAMES, Regime } from "./sim-market-options.js";

function logReturns(series: CandleSeries): Float64Array {
  const returns = new Float64Array(series.length - 1);
  for (let i = 1; i < series.length; i++) {
    returns[i - 1] = Math.log((series.close[i] as number) / (series.close[i - 1] as number));
  }
  return returns;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

function standardDeviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += ((values[i] as number) - m) ** 2;
  return Math.sqrt(sum / values.length);
}

function excessKurtosis(values: ArrayLike<number>): number {
  const m = mean(values);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= values.length;
  m4 /= values.length;
  return m4 / (m2 * m2) - 3;
}

function autocorrelation(values: ArrayLike<number>, lag: number): number {
  const m = mean(values);
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - m;
    denominator += d * d;
    if (i >= lag) numerator += d * ((values[i - lag] as number) - m);
  }
  return numerator / denominator;
}

function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Returns of the bars generated in `regime` (return i belongs to bar i + 1). */
function returnsIn(returns: Float64Array, regimes: Uint8Array, regime: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < returns.length; i++) if (regimes[i + 1] === regime) out.push(returns[i] as number);
  return out;
}

function sameBits(a: Float64Array | Uint8Array, b: Float64Array | Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const columns = ["time", "open", "high", "low", "close", "volume"] as const;

describe("simulateMarket: shape and consistency", () => {
  it("produces the requested number of bars, spaced by the timeframe from startTime, under the symbol", () => {
    const startTime = Date.UTC(2022, 2, 7);
    const { series, regimes, config } = simulateMarket({ bars: 500, timeframe: "4h", startTime, symbol: "TEST/USD" });
    expect(series.length).toBe(500);
    expect(series.symbol).toBe("TEST/USD");
    expect(series.timeframe).toBe("4h");
    expect(regimes.length).toBe(500);
    for (let i = 0; i < 500; i++) expect(series.time[i]).toBe(startTime + i * TIMEFRAMES["4h"]);
    expect(series.open[0]).toBe(30_000);
    expect(config.bars).toBe(500);
  });

  it("handles a start before 1970 (negative Unix ms)", () => {
    const { series } = simulateMarket({ bars: 48, startTime: Date.UTC(1969, 11, 31) });
    expect(series.volume.every((v) => v > 0)).toBe(true);
  });

  it("keeps every bar consistent: high >= open, close; low <= open, close; all > 0; on the tick grid; open = previous close", () => {
    const { series, crashes } = simulateMarket({ bars: 50_000, seed: 7, flashCrashProbability: 0.002 });
    expect(crashes.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (let i = 0; i < series.length; i++) {
      const o = series.open[i] as number;
      const h = series.high[i] as number;
      const l = series.low[i] as number;
      const c = series.close[i] as number;
      const v = series.volume[i] as number;
      if (!(h >= o && h >= c && l <= o && l <= c && l > 0 && v > 0))
        problems.push(`bar ${i}: ${o} ${h} ${l} ${c} ${v}`);
      for (const price of [o, h, l, c]) {
        if (Math.abs(price * 100 - Math.round(price * 100)) > 1e-6)
          problems.push(`bar ${i}: ${price} is off the tick grid`);
      }
      if (i > 0 && o !== series.close[i - 1])
        problems.push(`bar ${i}: open ${o} != previous close ${series.close[i - 1]}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it("draws wicks on both sides of most bars, of a size comparable to the bar's move", () => {
    const { series } = simulateMarket({ bars: 20_000 });
    let upperWicks = 0;
    let lowerWicks = 0;
    for (let i = 0; i < series.length; i++) {
      const o = series.open[i] as number;
      const c = series.close[i] as number;
      if ((series.high[i] as number) > Math.max(o, c)) upperWicks++;
      if ((series.low[i] as number) < Math.min(o, c)) lowerWicks++;
    }
    expect(upperWicks / series.length).toBeGreaterThan(0.8);
    expect(lowerWicks / series.length).toBeGreaterThan(0.8);
    const range = mean(Array.from(series.high, (h, i) => Math.log(h / (series.low[i] as number))));
    const move = mean(Array.from(logReturns(series), Math.abs));
    expect(range / move).toBeGreaterThan(1.2);
    expect(range / move).toBeLessThan(4);
  });
});

describe("simulateMarket: determinism", () => {
  it("is bit-identical for the same seed, including a string seed", () => {
    for (const seed of [42, "aegis"]) {
      const a = simulateMarket({ bars: 20_000, seed, flashCrashProbability: 0.001 });
      const b = simulateMarket({ bars: 20_000, seed, flashCrashProbability: 0.001 });
      for (const column of columns) expect(sameBits(a.series[column], b.series[column])).toBe(true);
      expect(sameBits(a.regimes, b.regimes)).toBe(true);
      expect(a.crashes).toEqual(b.crashes);
    }
  });

  it("differs for a different seed", () => {
    const a = simulateMarket({ bars: 1000, seed: 1 });
    const b = simulateMarket({ bars: 1000, seed: 2 });
    expect(sameBits(a.series.close, b.series.close)).toBe(false);
    expect(sameBits(a.series.volume, b.series.volume)).toBe(false);
  });

  // The drift compensates what crashes keep of their drops, so the returns shift by that constant (a few 1e-5 per bar)
  // and the anchor's reaction to it; different shocks would differ by about σ = 7e-3 per bar.
  it("draws the same shocks and regimes before the first crash when only the crash rate changes", () => {
    const calm = simulateMarket({ bars: 20_000, flashCrashProbability: 0, tickSize: 1e-8 });
    const stormy = simulateMarket({ bars: 20_000, flashCrashProbability: 0.001, tickSize: 1e-8 });
    const first = stormy.crashes[0] as number;
    expect(first).toBeGreaterThan(10);
    expect(calm.crashes).toEqual([]);
    const calmReturns = logReturns(calm.series);
    const stormyReturns = logReturns(stormy.series);
    let largestDifference = 0;
    for (let i = 0; i < first - 1; i++) {
      largestDifference = Math.max(
        largestDifference,
        Math.abs((stormyReturns[i] as number) - (calmReturns[i] as number)),
      );
    }
    expect(largestDifference).toBeLessThan(1e-4);
    expect(sameBits(calm.regimes, stormy.regimes)).toBe(true);
  });
});

// 200,000 bars (23 years of hours) because fat tails make sample moments converge slowly; crashes are off so that the
// statistics show the return model itself, not a handful of crash bars.
describe("simulateMarket: statistics of the returns (200,000 hourly bars, no crashes)", () => {
  const { series, regimes } = simulateMarket({ bars: 200_000, seed: 2024, flashCrashProbability: 0 });
  const returns = logReturns(series);

  it("has fat tails: excess kurtosis of log returns well above 0", () => {
    expect(excessKurtosis(returns)).toBeGreaterThan(5);
  });

  it("clusters volatility (squared returns autocorrelated) while returns themselves are not predictable", () => {
    const squared = returns.map((r) => r * r);
    expect(autocorrelation(squared, 1)).toBeGreaterThan(0.06);
    expect(autocorrelation(returns.map(Math.abs), 10)).toBeGreaterThan(0.08);
    for (const lag of [1, 2, 5]) expect(Math.abs(autocorrelation(returns, lag)), `lag ${lag}`).toBeLessThan(0.02);
  });

  it("visits every regime, with realised volatility highest in high volatility and lowest in sideways", () => {
    const volatility = REGIME_NAMES.map((_, regime) => standardDeviation(returnsIn(returns, regimes, regime)));
    for (let regime = 0; regime < REGIME_NAMES.length; regime++) {
      expect(returnsIn(returns, regimes, regime).length, REGIME_NAMES[regime]).toBeGreaterThan(500);
    }
    expect(volatility[Regime.HighVolatility]).toBeGreaterThan(2 * (volatility[Regime.Sideways] as number));
    expect(volatility[Regime.Bull]).toBeGreaterThan(volatility[Regime.Sideways] as number);
    expect(volatility[Regime.Bear]).toBeGreaterThan(volatility[Regime.Bull] as number);
  });

  it("raises volume with absolute returns and with the volatility regime", () => {
    const volume = series.volume.subarray(1);
    expect(correlation(volume, returns.map(Math.abs))).toBeGreaterThan(0.4);
    const volumeIn = (regime: number) => mean(Array.from(volume).filter((_, i) => regimes[i + 1] === regime));
    expect(volumeIn(Regime.HighVolatility)).toBeGreaterThan(1.5 * volumeIn(Regime.Sideways));
  });
});

describe("simulateMarket: regimes", () => {
  it("drifts up in bull and down in bear (1,000,000 bars, so that the drift stands out of the noise)", () => {
    const { series, regimes } = simulateMarket({ bars: 1_000_000, seed: 11, flashCrashProbability: 0 });
    const returns = logReturns(series);
    const bull = returnsIn(returns, regimes, Regime.Bull);
    const bear = returnsIn(returns, regimes, Regime.Bear);
    const standardError = (values: number[]) => standardDeviation(values) / Math.sqrt(values.length);
    expect(mean(bull)).toBeGreaterThan(4 * standardError(bull));
    expect(mean(bear)).toBeLessThan(-4 * standardError(bear));
  });

  it("stays in a regime for its configured mean duration on average", () => {
    const durations = { bull: 40, bear: 80, sideways: 160, highVolatility: 20 };
    const regimes = Object.fromEntries(
      Object.entries(durations).map(([name, bars]) => [name, { meanDurationBars: bars }]),
    );
    const simulated = simulateMarket({ bars: 200_000, regimes });
    const runs: number[][] = REGIME_NAMES.map(() => []);
    let start = 0;
    for (let i = 1; i <= simulated.regimes.length; i++) {
      if (i === simulated.regimes.length || simulated.regimes[i] !== simulated.regimes[start]) {
        (runs[simulated.regimes[start] as number] as number[]).push(i - start);
        start = i;
      }
    }
    REGIME_NAMES.forEach((name, regime) => {
      const observed = mean(runs[regime] as number[]);
      expect(observed / durations[name], name).toBeGreaterThan(0.85);
      expect(observed / durations[name], name).toBeLessThan(1.15);
    });
  });

  it("scales per-bar volatility with the timeframe (daily ≈ √24 × hourly)", () => {
    const hourly = standardDeviation(logReturns(simulateMarket({ bars: 50_000, flashCrashProbability: 0 }).series));
    const daily = standardDeviation(
      logReturns(simulateMarket({ bars: 50_000, timeframe: "1d", flashCrashProbability: 0 }).series),
    );
    expect(daily / hourly).toBeGreaterThan(Math.sqrt(24) * 0.8);
    expect(daily / hourly).toBeLessThan(Math.sqrt(24) * 1.2);
  });
});

describe("simulateMarket: flash crashes", () => {
  const probability = 0.002;
  const bars = 50_000;
  const flashCrash = { minDrop: 0.1, maxDrop: 0.3, minRebound: 0.3, maxRebound: 0.7, reboundBars: 6 };
  // A hundred crashes, each keeping part of its loss (the drift makes it up between crashes): a fine tick keeps the
  // measured drops exact.
  const { series, crashes } = simulateMarket({
    bars,
    seed: 99,
    flashCrashProbability: probability,
    flashCrash,
    tickSize: 1e-8,
  });

  it("happen at the configured rate (within 4 binomial standard deviations)", () => {
    const expected = bars * probability;
    const sd = Math.sqrt(bars * probability * (1 - probability));
    expect(Math.abs(crashes.length - expected)).toBeLessThan(4 * sd);
    expect(crashes).toEqual([...crashes].sort((a, b) => a - b));
  });

  it("drop from the open to the low by an amount within the configured bounds, spread over the range", () => {
    const drops = crashes.map((i) => 1 - (series.low[i] as number) / (series.open[i] as number));
    for (const drop of drops) {
      expect(drop).toBeGreaterThanOrEqual(flashCrash.minDrop - 1e-6);
      expect(drop).toBeLessThanOrEqual(flashCrash.maxDrop + 1e-6);
    }
    expect(Math.min(...drops)).toBeLessThan(0.15);
    expect(Math.max(...drops)).toBeGreaterThan(0.25);
  });

  it("rebound partially over the following bars, on heavy volume", () => {
    const recovered = crashes
      .filter((i) => i + flashCrash.reboundBars < bars)
      .map((i) => {
        const open = series.open[i] as number;
        const low = series.low[i] as number;
        return Math.log((series.close[i + flashCrash.reboundBars] as number) / low) / Math.log(open / low);
      });
    const averageRecovery = mean(recovered);
    expect(averageRecovery).toBeGreaterThan(0.3);
    expect(averageRecovery).toBeLessThan(0.7);
    const medianVolume = Float64Array.from(series.volume).sort()[bars >> 1] as number;
    for (const i of crashes) expect(series.volume[i]).toBeGreaterThan(3 * medianVolume);
  });

  it("respect narrow custom bounds", () => {
    const narrow = simulateMarket({
      bars: 20_000,
      flashCrashProbability: 0.005,
      flashCrash: { minDrop: 0.05, maxDrop: 0.06 },
    });
    expect(narrow.crashes.length).toBeGreaterThan(50);
    for (const i of narrow.crashes) {
      const drop = 1 - (narrow.series.low[i] as number) / (narrow.series.open[i] as number);
      expect(drop).toBeGreaterThanOrEqual(0.05 - 1e-6);
      expect(drop).toBeLessThanOrEqual(0.06 + 1e-6);
    }
  });
});
