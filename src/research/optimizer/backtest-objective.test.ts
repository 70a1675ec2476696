import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../backtest/backtest-settings.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import type { CandleSeries } from "../../domain/candles.js";
import { builtinSpec } from "../../strategy/registry.js";
import { backtestObjective, regimeSharpe } from "./backtest-objective.js";

const series = simulateMarket({ seed: 7, bars: 6000 }).series;
const spec = builtinSpec("ema-cross");
const settings = resolveSettings({ cash: 10_000, fee: 0.001 });

/** The same series with every bar from `from` on replaced by a different market. */
function withOtherFuture(s: CandleSeries, from: number): CandleSeries {
  const other = simulateMarket({ seed: 99, bars: s.length }).series;
  const copy = (a: Float64Array, b: Float64Array) => Float64Array.from(a, (v, i) => (i < from ? v : (b[i] as number)));
  return {
    ...s,
    open: copy(s.open, other.open),
    high: copy(s.high, other.high),
    low: copy(s.low, other.low),
    close: copy(s.close, other.close),
    volume: copy(s.volume, other.volume),
  };
}

describe("backtestObjective", () => {
  if (!spec) throw new Error("ema-cross is a built-in");

  it("scores each fold from bars before the searched range's end only: another future changes nothing", () => {
    const params = { fast: 8, slow: 30 };
    const a = backtestObjective({ series, spec, settings, from: 1000, to: 4000, folds: 3, minTrades: 1 });
    const b = backtestObjective({
      series: withOtherFuture(series, 4000),
      spec,
      settings,
      from: 1000,
      to: 4000,
      folds: 3,
      minTrades: 1,
    });
    const values = [0, 1, 2].map((fold) => a.evaluate(params, fold));
    expect(values.every((v) => v !== null && Number.isFinite(v))).toBe(true);
    expect([0, 1, 2].map((fold) => b.evaluate(params, fold))).toEqual(values);
  });

  it("gives a fold with fewer trades than the minimum no value", () => {
    const objective = backtestObjective({ series, spec, settings, from: 1000, to: 4000, folds: 3, minTrades: 10_000 });
    expect(objective.evaluate({ fast: 8, slow: 30 }, 0)).toBeNull();
  });

  it("refuses a range too short for its folds", () => {
    expect(() => backtestObjective({ series, spec, settings, from: 0, to: 100, folds: 3 })).toThrow(
      /at least 50 per fold/,
    );
  });

  it("regimeSharpe scores only the bars whose preceding bar was in the regime", () => {
    const n = 200;
    const hourly = { time: Float64Array.from({ length: n }, (_, i) => i * 3_600_000) } as CandleSeries;
    Object.assign(hourly, { length: n });
    // Equity alternates +1 % / -1 % while in regime 0 and drifts +0.5 % per bar in regime 3.
    const regimes = Float64Array.from({ length: n }, (_, i) => (i < 100 ? 0 : 3));
    const equity = new Float64Array(n);
    equity[0] = 100;
    for (let i = 1; i < n; i++) {
      const r = i - 1 < 100 ? (i % 2 ? 0.01 : -0.01) : 0.005 + (i % 2 ? 1e-4 : -1e-4);
      equity[i] = (equity[i - 1] as number) * (1 + r);
    }
    const evaluation = { equity: { time: hourly.time, equity } };
    const bull = regimeSharpe(evaluation, hourly, regimes, 0) as number;
    const sideways = regimeSharpe(evaluation, hourly, regimes, 3) as number;
    expect(Math.abs(bull)).toBeLessThan(1);
    expect(sideways).toBeGreaterThan(100);
    expect(regimeSharpe(evaluation, hourly, regimes, 1)).toBeNull();
  });
});
