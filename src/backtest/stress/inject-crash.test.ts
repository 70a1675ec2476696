import { describe, expect, it } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { CandleSeries } from "../../domain/candles.js";
import { bars } from "../../execution/testing/bars.js";
import { injectFlashCrash, injectFlashCrashWithLevels } from "./inject-crash.js";

const flat = (n: number, price = 100) =>
  bars(Array.from({ length: n }, () => [price, price + 1, price - 1, price, 50] as const));

/** Every bar's problems (NaN, non-positive low, high below open/close, low above them), as readable lines. */
function ohlcProblems(series: CandleSeries): string[] {
  const problems: string[] = [];
  for (let i = 0; i < series.length; i++) {
    const [o, h, l, c, v] = [series.open, series.high, series.low, series.close, series.volume].map(
      (column) => column[i] as number,
    ) as [number, number, number, number, number];
    if (![o, h, l, c, v].every(Number.isFinite)) problems.push(`bar ${i}: not finite`);
    if (!(l > 0)) problems.push(`bar ${i}: low ${l} <= 0`);
    if (h < Math.max(o, c)) problems.push(`bar ${i}: high ${h} below open/close`);
    if (l > Math.min(o, c)) problems.push(`bar ${i}: low ${l} above open/close`);
  }
  return problems;
}

describe("injectFlashCrash", () => {
  it("drops the crash bar's low and close to open × (1 − drop) from an unchanged open", () => {
    const series = flat(30);
    const crashed = injectFlashCrash(series, { at: 10, drop: 0.2 });
    expect(crashed.open[10]).toBe(100);
    expect(crashed.high[10]).toBe(100);
    expect(crashed.low[10]).toBeCloseTo(80, 10);
    expect(crashed.close[10]).toBeCloseTo(80, 10);
    expect(crashed.volume[10]).toBe(500);
  });

  it("opens the crash bar at the bottom when asked for a gap", () => {
    const crashed = injectFlashCrash(flat(30), { at: 10, drop: 0.25, gap: true });
    expect([crashed.open[10], crashed.high[10], crashed.low[10], crashed.close[10]]).toEqual([75, 75, 75, 75]);
    expect(crashed.close[9]).toBe(100);
  });

  it("wins back `rebound` of the drop over `reboundBars` bars, linearly, then stays at that level", () => {
    const crashed = injectFlashCrash(flat(30), { at: 10, drop: 0.2, rebound: 0.5, reboundBars: 4 });
    const closes = Array.from(crashed.close.subarray(10, 16));
    for (const [k, expected] of [80, 82.5, 85, 87.5, 90, 90].entries()) expect(closes[k]).toBeCloseTo(expected, 9);
    for (let j = 15; j < 30; j++) expect(crashed.close[j]).toBeCloseTo(90, 9);
    // Volume fades from the spike back towards normal over the rebound.
    expect(crashed.volume[11]).toBeGreaterThan(crashed.volume[14] as number);
    expect(crashed.volume[15]).toBe(50);
  });

  it("scales every later bar by 1 − drop × (1 − rebound), keeping the market's own moves", () => {
    const series = simulateMarket({ seed: 3, bars: 400, symbol: "SIM/USDT" }).series;
    const { series: crashed, levels } = injectFlashCrashWithLevels(series, {
      at: 200,
      drop: 0.3,
      rebound: 0.4,
      reboundBars: 6,
    });
    expect(levels.afterRebound).toBeCloseTo(1 - 0.3 * 0.6, 12);
    expect(levels.reboundEnd).toBe(206);
    expect((crashed.close[206] as number) / (series.close[206] as number)).toBeCloseTo(levels.afterRebound, 12);
    for (let j = 207; j < 400; j++) {
      for (const field of ["open", "high", "low", "close"] as const) {
        expect((crashed[field][j] as number) / (series[field][j] as number)).toBeCloseTo(levels.afterRebound, 12);
      }
      expect(crashed.volume[j]).toBe(series.volume[j]);
    }
    for (let j = 0; j < 200; j++) expect(crashed.close[j]).toBe(series.close[j]);
  });

  it("keeps the series continuous after the crash: each open relates to the previous close as in the original", () => {
    const series = simulateMarket({ seed: 11, bars: 300, symbol: "SIM/USDT" }).series;
    const crashed = injectFlashCrash(series, { at: 120, drop: 0.2, reboundBars: 5 });
    for (let j = 121; j < 300; j++) {
      const original = (series.open[j] as number) / (series.close[j - 1] as number);
      expect((crashed.open[j] as number) / (crashed.close[j - 1] as number)).toBeCloseTo(original, 10);
    }
  });

  it("keeps OHLC consistent with no NaN, on simulated data with crashes near both ends", () => {
    const series = simulateMarket({ seed: 5, bars: 500, symbol: "SIM/USDT" }).series;
    for (const at of [0, 1, 250, 496, 499]) {
      for (const gap of [false, true]) {
        const crashed = injectFlashCrash(series, { at, drop: 0.2, rebound: 0.5, reboundBars: 6, gap });
        expect(crashed.length).toBe(series.length);
        expect(ohlcProblems(crashed), `crash at ${at}, gap ${gap}`).toEqual([]);
      }
    }
  });

  it("does not modify its input", () => {
    const series = simulateMarket({ seed: 9, bars: 100, symbol: "SIM/USDT" }).series;
    const before = [series.open, series.high, series.low, series.close, series.volume].map((c) => Array.from(c));
    injectFlashCrash(series, { at: 50, drop: 0.2 });
    expect([series.open, series.high, series.low, series.close, series.volume].map((c) => Array.from(c))).toEqual(
      before,
    );
  });

  it("rejects a crash bar outside the series and a drop outside (0, 1), naming the value", () => {
    const series = flat(10);
    expect(() => injectFlashCrash(series, { at: 10, drop: 0.2 })).toThrow(/crash bar 10 is outside .*0\.\.9/);
    expect(() => injectFlashCrash(series, { at: 2, drop: 1.2 })).toThrow(/drop .* got 1\.2/);
    expect(() => injectFlashCrash(series, { at: 2, drop: 0.2, rebound: -0.1 })).toThrow(/rebound .* got -0\.1/);
    expect(() => injectFlashCrash(series, { at: 2, drop: 0.2, reboundBars: 0 })).toThrow(/reboundBars/);
  });
});
