import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/index.js";
import type { CandleSeries } from "../domain/candles.js";
import { loadStrategy, resolveSpec } from "../strategy/registry.js";
import { resolveSettings } from "./backtest-settings.js";
import { evaluateParameters } from "./evaluate-parameters.js";
import { ignoreSignalsBefore } from "./ignore-signals-before.js";
import { runBacktest } from "./run-backtest.js";

const { series } = simulateMarket({ seed: 21, bars: 6000 });
const spec = resolveSpec("sma-cross");
const settings = resolveSettings({ cash: 10_000, fee: 0.001 });
const params = { fast: 8, slow: 40 };
const t = (i: number): number => series.time[i] as number;

/** A copy of `s` whose bars from `from` on are replaced by a different random walk. */
function scrambleFrom(s: CandleSeries, from: number): CandleSeries {
  const other = simulateMarket({ seed: 999, bars: s.length }).series;
  const copy = (a: Float64Array, b: Float64Array): Float64Array => {
    const out = Float64Array.from(a);
    out.set(b.subarray(from), from);
    return out;
  };
  return {
    ...s,
    open: copy(s.open, other.open),
    high: copy(s.high, other.high),
    low: copy(s.low, other.low),
    close: copy(s.close, other.close),
    volume: copy(s.volume, other.volume),
  };
}

describe("evaluateParameters", () => {
  it("without a range, measures the whole run like runBacktest", () => {
    const evaluation = evaluateParameters({ series: [series], spec, params, settings });
    const direct = runBacktest({
      feeds: [{ series, strategy: loadStrategy("sma-cross", params) }],
      cash: 10_000,
      fee: 0.001,
    });
    expect(evaluation.tradeCount).toBe(direct.trades.length);
    expect(evaluation.metrics.finalEquity).toBe(direct.equity.equity.at(-1));
    expect(evaluation.metrics.bars).toBe(6000);
  });

  it("measures only [from, to): the curve starts at the first measured bar with the starting cash", () => {
    const range = { warmupFrom: t(1900), from: t(2000), to: t(3000) };
    const evaluation = evaluateParameters({ series: [series], spec, params, settings, range, cash: 12_345 });
    expect(evaluation.equity.time[0]).toBe(t(2000));
    expect(evaluation.equity.equity[0]).toBe(12_345);
    expect(evaluation.metrics.startTime).toBe(t(2000));
    expect(evaluation.metrics.endTime).toBe(t(2999));
    expect(evaluation.metrics.bars).toBe(1000);
    expect(evaluation.metrics.initialCash).toBe(12_345);
    expect(evaluation.tradeCount).toBeGreaterThan(0);
    for (const trade of evaluation.trades) expect(trade.entryTime).toBeGreaterThan(t(2000));
  });

  it("gives the same result whatever the bars at or after `to` are", () => {
    const range = { warmupFrom: t(1900), from: t(2000), to: t(3000) };
    const original = evaluateParameters({ series: [series], spec, params, settings, range });
    const scrambled = evaluateParameters({ series: [scrambleFrom(series, 3000)], spec, params, settings, range });
    expect(scrambled.metrics).toEqual(original.metrics);
    const changedInside = evaluateParameters({ series: [scrambleFrom(series, 2999)], spec, params, settings, range });
    expect(changedInside.metrics).not.toEqual(original.metrics);
  });

  it("with a warm-up of at least the slow period, trades exactly like one long run from the same bar", () => {
    const range = { warmupFrom: t(2000 - 40), from: t(2000), to: t(4000) };
    const window = evaluateParameters({ series: [series], spec, params, settings, range });
    const long = runBacktest({
      feeds: [{ series, strategy: ignoreSignalsBefore(loadStrategy("sma-cross", params), t(2000)) }],
      cash: 10_000,
      fee: 0.001,
    });
    const closedInside = window.trades.filter((trade) => trade.exitReason !== "end of backtest");
    expect(closedInside.length).toBeGreaterThan(5);
    const sameSpan = long.trades.filter((trade) => trade.exitTime < t(4000) && trade.exitReason !== "end of backtest");
    expect(closedInside.map((x) => [x.entryTime, x.exitTime, x.netPnl])).toEqual(
      sameSpan.map((x) => [x.entryTime, x.exitTime, x.netPnl]),
    );
  });

  it("names the symbol and range when a series has no bars there", () => {
    const range = { warmupFrom: t(5999) + 1e9, from: t(5999) + 1e9, to: t(5999) + 2e9 };
    expect(() => evaluateParameters({ series: [series], spec, params, settings, range })).toThrow(/has no bars in \[/);
  });
});
