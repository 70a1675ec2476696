import { describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { type CandleSeries, candleAt } from "../../domain/candles.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { Strategy } from "../../strategy/strategy.js";
import { EventBus } from "../events.js";
import { ShadowEngine } from "./shadow-engine.js";

const series = simulateMarket({ seed: 11, bars: 800, timeframe: "1h" }).series;
const markets = [{ symbol: series.symbol, instrument: defaultInstrument(series.symbol) }];

function run(shadow: ShadowEngine, s: CandleSeries, liveEquity: (i: number) => number) {
  let last: ReturnType<ShadowEngine["onStep"]> = [];
  for (let i = 0; i < s.length; i++) {
    const bar = candleAt(s, i);
    last = shadow.onStep([{ symbol: s.symbol, bar }], liveEquity(i), bar.time + 3_600_000);
  }
  return last;
}

/** Buys on its first bar and holds: on a market that only rises, a steady winner. */
const buyAndHold: Strategy = {
  name: "buy-and-hold",
  parameters: {},
  init: () => (ctx) => (ctx.position.quantity === 0 ? { action: "buy", confidence: 1, reason: "hold" } : undefined),
};

describe("ShadowEngine", () => {
  it("trades a candidate exactly as a backtest of the same bars with the same leverage does", () => {
    const shadow = new ShadowEngine({ markets, timeframe: "1h", cash: 10_000, periodsPerYear: 8760 });
    shadow.add({ id: "sma", strategy: loadStrategy("sma-cross"), leverage: 2 });
    const [report] = run(shadow, series, () => 10_000);
    const backtest = runBacktest({
      feeds: [{ series, strategy: loadStrategy("sma-cross"), instrument: markets[0]?.instrument, leverage: 2 }],
      cash: 10_000,
      closeAtEnd: false,
    });
    expect(report?.equity).toBeCloseTo(backtest.portfolio.equity(), 6);
    expect(report?.iterations).toBe(series.length - 1);
  });

  it("says once, on the bus, when a candidate beats the live account by the rule, and not before 100 iterations", () => {
    // A market that rises 0.1 % a bar with small wiggles; the live account stays in cash.
    const n = 160;
    const close = Float64Array.from({ length: n }, (_, i) => 100 * 1.001 ** i * (1 + (i % 2 ? 0.0005 : -0.0005)));
    const rising: CandleSeries = {
      ...series,
      length: n,
      time: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
      open: close,
      high: close.map((c) => c * 1.001),
      low: close.map((c) => c * 0.999),
      close,
      volume: new Float64Array(n).fill(1e6),
    };
    const bus = new EventBus();
    const alerts: string[] = [];
    const kinds: (string | undefined)[] = [];
    bus.on("ALERT", (a) => {
      alerts.push(a.message);
      kinds.push(a.kind);
    });
    const shadow = new ShadowEngine({ markets, timeframe: "1h", cash: 10_000, periodsPerYear: 8760 }, bus);
    shadow.add({ id: "holder", strategy: buyAndHold });
    const early = run(shadow, { ...rising, length: 90 } as CandleSeries, (i) => 10_000 + (i % 3));
    expect(early[0]?.verdict.ready).toBe(false);
    expect(early[0]?.verdict.reason).toMatch(/of 100 shadow iterations/);
    expect(alerts).toEqual([]);
    const rest: CandleSeries = {
      ...rising,
      length: n - 90,
      time: rising.time.subarray(90),
      open: rising.open.subarray(90),
      high: rising.high.subarray(90),
      low: rising.low.subarray(90),
      close: rising.close.subarray(90),
      volume: rising.volume.subarray(90),
    };
    const late = run(shadow, rest, (i) => 10_000 + (i % 3));
    expect(late[0]?.verdict.ready).toBe(true);
    expect(late[0]?.roi).toBeGreaterThan(0.05);
    expect(alerts).toHaveLength(1);
    expect(kinds).toEqual(["strategy-approval"]);
    expect(alerts[0]).toMatch(/strategy holder is ready for approval: shadow Sharpe .* > 1.2 and > 1.1 × live/);
  });

  it("keeps each candidate's account and shield apart, and warms a late candidate on the bars seen so far", () => {
    const shadow = new ShadowEngine({ markets, timeframe: "1h", cash: 10_000, periodsPerYear: 8760 });
    for (let i = 0; i < 300; i++) shadow.warm(series.symbol, candleAt(series, i));
    shadow.add({ id: "a", strategy: loadStrategy("sma-cross") });
    shadow.add({ id: "b", strategy: buyAndHold });
    expect(() => shadow.add({ id: "a", strategy: buyAndHold })).toThrow(/already running/);
    let step = shadow.onStep([{ symbol: series.symbol, bar: candleAt(series, 300) }], 10_000, 0);
    // The holder's buy fills at the next bar's open, the engine's fill rule, so the accounts part after two steps.
    for (const i of [301, 302]) step = shadow.onStep([{ symbol: series.symbol, bar: candleAt(series, i) }], 10_000, 0);
    expect(step.map((r) => r.id)).toEqual(["a", "b"]);
    expect(step[1]?.equity).not.toBe(10_000);
    expect(step[0]?.equity).not.toBe(step[1]?.equity);
  });
});
