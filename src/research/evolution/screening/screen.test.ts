import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../backtest/run-backtest.js";
import { simulateMarket } from "../../../data/simulated/index.js";
import { createRandom } from "../../../domain/random.js";
import { compileSpec } from "../../../strategy/spec/compile.js";
import { validateSpec } from "../../../strategy/spec/parse.js";
import { genomeToSpec } from "../genome-spec.js";
import { randomGenome } from "../operators.js";
import { prepareScreening, screenSpec } from "./screen.js";

const { series } = simulateMarket({ seed: 11, bars: 4000 });
const fee = 0.001;
const cash = 10_000;

const specs = {
  "ema cross, long only, ATR stop": {
    name: "ema-cross",
    indicators: { fast: { type: "ema", period: 12 }, slow: { type: "ema", period: 40 } },
    entry: { long: { crossAbove: ["fast", "slow"] } },
    exit: { long: { crossBelow: ["fast", "slow"] } },
    exits: { stopLossAtr: 2, atrPeriod: 14 },
    sizing: { type: "percent-equity", value: 50 },
  },
  "rsi reversion, long and short, percent stop and take-profit": {
    name: "rsi-both",
    indicators: { rsi: { type: "rsi", period: 14 }, trend: { type: "sma", period: 100 } },
    entry: {
      long: { all: [{ lt: ["rsi", 30] }, { gt: ["close", "trend"] }] },
      short: { any: [{ gt: ["rsi", 75] }, { crossBelow: ["close", { ref: "trend", ago: 1 }] }] },
    },
    exit: { long: { gt: ["rsi", 55] }, short: { not: { gte: ["rsi", 45] } } },
    allowShort: true,
    exits: { stopLossPct: 1.5, takeProfitPct: 3 },
    sizing: { type: "percent-equity", value: 30 },
  },
  "bollinger and macd with parameters, between": {
    name: "bb-macd",
    parameters: { width: { default: 2, min: 1, max: 3 } },
    indicators: { bb: { type: "bbands", period: 20, nbdevup: "$width", nbdevdn: "$width" }, m: { type: "macd" } },
    entry: { long: { all: [{ lt: ["close", "bb.lower"] }, { between: ["m.histogram", -1000, 1000] }] } },
    exit: { long: { gt: ["close", "bb.middle"] } },
    exits: { stopLossAtr: 1.5, takeProfitAtr: 3 },
    sizing: { type: "percent-equity", value: 40 },
  },
};

describe("screening path", () => {
  const data = prepareScreening(series);
  for (const [title, raw] of Object.entries(specs)) {
    it(`gives the same trades as the event-driven engine: ${title}`, () => {
      const spec = validateSpec(raw);
      const screened = screenSpec(data, spec, { cash, fee });
      if (!screened.ok) throw new Error(screened.reason);
      const compiled = compileSpec(spec);
      const engine = runBacktest({
        feeds: [{ series, strategy: compiled, allowShort: compiled.allowShort }],
        cash,
        fee,
      });
      expect(engine.trades.length).toBeGreaterThan(5);
      expect(screened.trades.length).toBe(engine.trades.length);
      engine.trades.forEach((trade, k) => {
        const mine = screened.trades[k]!;
        expect(series.time[mine.entryIndex]).toBe(trade.entryTime);
        expect(series.time[mine.exitIndex]).toBe(trade.exitTime);
        expect(mine.side).toBe(trade.side);
        expect(mine.entryPrice).toBeCloseTo(trade.entryPrice, 6);
        expect(mine.exitPrice).toBeCloseTo(trade.exitPrice, 6);
        // Quantities differ only by the venue's lot rounding (0.00001).
        expect(Math.abs(mine.netPnl - trade.netPnl)).toBeLessThan(1e-3 * Math.max(1, Math.abs(trade.netPnl)) + 0.05);
      });
      const finalEngine = engine.equity.equity[engine.equity.equity.length - 1]!;
      expect(screened.equity[screened.equity.length - 1]).toBeCloseTo(finalEngine, -1);
    });
  }

  it("refuses what it does not cover, with the reason, so the caller runs the engine", () => {
    const trailing = validateSpec({ ...specs["ema cross, long only, ATR stop"], exits: { trailingStopPct: 2 } });
    expect(screenSpec(data, trailing, { cash, fee })).toEqual({
      ok: false,
      reason: "trailing stops need the per-bar engine",
    });
    const timed = validateSpec({ ...specs["ema cross, long only, ATR stop"], exits: { timeExitBars: 5 } });
    expect(screenSpec(data, timed, { cash, fee })).toMatchObject({ ok: false, reason: /time exits/ });
    const divergence = validateSpec({
      name: "div",
      indicators: { rsi: { type: "rsi" } },
      entry: { long: { divergence: { kind: "bullish", price: "low", oscillator: "rsi", lookback: 30 } } },
    });
    expect(screenSpec(data, divergence, { cash, fee })).toMatchObject({ ok: false, reason: /divergence/ });
  });

  it("computes each indicator once per data set, shared by every spec screened on it", () => {
    const fresh = prepareScreening(series);
    const spec = validateSpec(specs["ema cross, long only, ATR stop"]);
    screenSpec(fresh, spec, { cash, fee });
    const column = fresh.columns.indicator({ type: "ema", period: 12 });
    screenSpec(fresh, validateSpec({ ...specs["ema cross, long only, ATR stop"], name: "other" }), { cash, fee });
    expect(fresh.columns.indicator({ type: "ema", period: 12 })).toBe(column);
  });

  it("counts condition-cache hits and misses: a second spec with the same rules only hits", () => {
    const fresh = prepareScreening(series);
    screenSpec(fresh, validateSpec(specs["ema cross, long only, ATR stop"]), { cash, fee });
    // Entry crossAbove and exit crossBelow: two columns computed, none found.
    expect({ hits: fresh.conditions.hits, misses: fresh.conditions.misses }).toEqual({ hits: 0, misses: 2 });
    screenSpec(fresh, validateSpec({ ...specs["ema cross, long only, ATR stop"], name: "renamed" }), { cash, fee });
    expect({ hits: fresh.conditions.hits, misses: fresh.conditions.misses }).toEqual({ hits: 2, misses: 2 });
  });

  it("gives the same trades and metrics when the equity goes to the data set's scratch buffer", () => {
    const data = prepareScreening(series);
    for (const raw of Object.values(specs)) {
      const spec = validateSpec(raw);
      const fresh = screenSpec(data, spec, { cash, fee });
      const reused = screenSpec(data, spec, { cash, fee }, 100, series.length - 50, { reuseEquity: true });
      const again = screenSpec(data, spec, { cash, fee }, 100, series.length - 50);
      if (!fresh.ok || !reused.ok || !again.ok) throw new Error("not screenable");
      expect(reused.equity.buffer).toBe(data.equityScratch.buffer);
      expect(reused.metrics).toEqual(again.metrics);
      expect(reused.trades).toEqual(again.trades);
      expect(Array.from(reused.equity)).toEqual(Array.from(again.equity));
    }
  });

  it("counts the same trades and wins, with the same metrics, when the trades themselves are not kept", () => {
    const data = prepareScreening(series);
    for (const raw of Object.values(specs)) {
      const spec = validateSpec(raw);
      const kept = screenSpec(data, spec, { cash, fee });
      const counted = screenSpec(data, spec, { cash, fee }, 0, series.length, { recordTrades: false });
      if (!kept.ok || !counted.ok) throw new Error("not screenable");
      expect(counted.trades).toEqual([]);
      expect(counted.metrics.trades).toBe(kept.trades.length);
      expect(counted.metrics.wins).toBe(kept.trades.filter((t) => t.netPnl > 0).length);
      expect(counted.metrics).toEqual(kept.metrics);
    }
  });
});

describe("per-regime specs", () => {
  it("enter only while the regime detector says so, with the same trades on both paths", () => {
    const genome = randomGenome(createRandom(21));
    const spec = genomeToSpec(
      {
        ...genome,
        entryLong: [{ atom: { kind: "emaCrossUp", params: [5, 20] }, weight: 1 }],
        entryShort: [],
        exit: [{ atom: { kind: "emaCrossDown", params: [5, 20] }, weight: 1 }],
        filter: [],
      },
      "bull-only",
      "bull",
    );
    const data = prepareScreening(series);
    const screened = screenSpec(data, spec, { cash, fee });
    if (!screened.ok) throw new Error(screened.reason);
    const regime = data.columns.indicator({ type: "regime" }).values;
    expect(screened.trades.length).toBeGreaterThan(0);
    // A trade is entered at the open after the signal bar, which was a bull bar.
    for (const trade of screened.trades) expect(regime[trade.entryIndex - 1]).toBe(0);
    const compiled = compileSpec(spec);
    const engine = runBacktest({ feeds: [{ series, strategy: compiled, allowShort: compiled.allowShort }], cash, fee });
    expect(engine.trades.map((t) => t.entryTime)).toEqual(screened.trades.map((t) => series.time[t.entryIndex]));
  });
});
