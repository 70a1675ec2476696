import { describe, expect, it } from "vitest";
import { runBacktest } from "../backtest/run-backtest.js";
import { resample } from "../data/resample.js";
import { simulateMarket } from "../data/simulated/sim-market.js";
import { type CandleSeries, candleAt, sliceSeries } from "../domain/candles.js";
import { defaultInstrument } from "../domain/instrument.js";
import { Portfolio } from "../execution/portfolio.js";
import { SimulatedBroker } from "../execution/simulated-broker.js";
import { bars } from "../execution/testing/bars.js";
import { riskConfigSchema } from "../risk/config.js";
import { type RiskLayer, RiskShield } from "../risk/shield.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { loadStrategy } from "../strategy/registry.js";
import type { Strategy } from "../strategy/strategy.js";
import { Engine } from "./engine.js";
import { EventBus, type EventName } from "./events.js";
import { LiveRunner } from "./live-runner.js";
import { createRiskRuntime } from "./risk-runtime.js";

const market = (seed: number, n: number, symbol = "SIM/USDT"): CandleSeries =>
  simulateMarket({ seed, bars: n, symbol }).series;

describe("Engine", () => {
  it("never shows a strategy a bar after the current one", () => {
    const seen: { index: number; close: number; future: number; prev: number }[] = [];
    const probe: Strategy = {
      name: "probe",
      parameters: {},
      init(setup) {
        const close = setup.price("close");
        return (ctx) => {
          seen.push({ index: ctx.index, close: close.at(0), future: close.at(-1), prev: close.at(1) });
          return undefined;
        };
      },
    };
    const s = market(1, 50);
    runBacktest({ feeds: [{ series: s, strategy: probe }], cash: 1000 });
    expect(seen).toHaveLength(50);
    for (const r of seen) {
      expect(r.close).toBe(s.close[r.index]);
      expect(r.future).toBeNaN();
      if (r.index > 0) expect(r.prev).toBe(s.close[r.index - 1]);
    }
  });

  it("makes the same decisions up to bar k whatever the bars after k are", () => {
    const s = market(3, 3000);
    const k = 2000;
    const altered = market(99, 3000);
    // Same first k bars, different future.
    const mixed = {
      ...s,
      time: s.time,
      open: s.open.slice(),
      high: s.high.slice(),
      low: s.low.slice(),
      close: s.close.slice(),
      volume: s.volume.slice(),
    };
    for (const f of ["open", "high", "low", "close", "volume"] as const) mixed[f].set(altered[f].subarray(k), k);
    const strategy = loadStrategy("macd-trend");
    const a = runBacktest({ feeds: [{ series: s, strategy }], cash: 10_000, closeAtEnd: false });
    const b = runBacktest({ feeds: [{ series: mixed, strategy }], cash: 10_000, closeAtEnd: false });
    const upTo = (d: readonly { time: number }[]) => d.filter((x) => x.time <= (s.time[k - 1] as number));
    expect(upTo(b.decisions)).toEqual(upTo(a.decisions));
    expect(b.equity.equity.subarray(0, k - 1)).toEqual(a.equity.equity.subarray(0, k - 1));
  });

  it("trades sma-cross on the bar after each cross, at its open", () => {
    // SMA(2) crosses above SMA(4) at bar 6 (9.5 > 8 after 7 < 7.25) and below at bar 9 (10.5 < 11.25 after 12.5 > 11).
    const closes = [10, 9, 8, 7, 6, 8, 11, 13, 12, 9, 6, 5];
    const s = bars(
      closes.map((c, i) => [
        i === 0 ? c : (closes[i - 1] as number),
        Math.max(c, closes[i - 1] ?? c) + 0.5,
        Math.min(c, closes[i - 1] ?? c) - 0.5,
        c,
      ]),
    );
    const r = runBacktest({
      feeds: [{ series: s, strategy: loadStrategy("sma-cross", { fast: 2, slow: 4 }) }],
      cash: 1000,
      fee: 0,
    });
    expect(r.decisions.map((d) => [d.action, s.time.indexOf(d.time)])).toEqual([
      ["buy", 6],
      ["close", 9],
    ]);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({
      entryTime: s.time[7],
      exitTime: s.time[10],
      entryPrice: closes[6],
      exitPrice: closes[9],
    });
  });

  it("publishes events in pipeline order, with state already saved", () => {
    // The engine is driven bar by bar here (the same Engine.step a backtest uses) so the test holds the portfolio
    // and can look at it from inside the handlers, while the events are being published.
    const bus = new EventBus();
    const log: EventName[] = [];
    const names: EventName[] = ["SIGNAL_GENERATED", "RISK_CHECK", "ORDER_PLACED", "ORDER_FILLED", "POSITION_UPDATE"];
    const portfolio = new Portfolio(10_000);
    const engine = new Engine({ portfolio, createBroker: (l) => new SimulatedBroker(portfolio, l), bus });
    const runner = new LiveRunner(engine);
    const s = market(5, 400);
    runner.addSlot({
      symbol: s.symbol,
      timeframe: "1h",
      strategy: loadStrategy("sma-cross"),
      instrument: defaultInstrument(s.symbol),
    });
    let expected = 0;
    const seenAtFill: { held: number; expected: number }[] = [];
    for (const name of names) {
      bus.on(name, (payload) => {
        log.push(name);
        if (name === "ORDER_FILLED") {
          const { fill } = payload as { fill: { symbol: string; side: "buy" | "sell"; quantity: number } };
          expected += fill.side === "buy" ? fill.quantity : -fill.quantity;
          // The fill is booked before anyone hears of it: the position already includes it.
          seenAtFill.push({ held: portfolio.positionQuantity(fill.symbol), expected });
        }
      });
    }
    for (let i = 0; i < s.length; i++) runner.onBar(s.symbol, candleAt(s, i));
    expect(engine.fills.length).toBeGreaterThan(1);
    expect(seenAtFill).toHaveLength(engine.fills.length);
    for (const { held, expected: want } of seenAtFill) expect(held).toBeCloseTo(want, 9);
    // Each filled order went through the whole pipeline, in order.
    const pipeline = ["SIGNAL_GENERATED", "RISK_CHECK", "ORDER_PLACED", "ORDER_FILLED", "POSITION_UPDATE"];
    expect(log.slice(0, 5)).toEqual(pipeline);
    for (let i = 0; i < log.length; i++) {
      if (log[i] !== "ORDER_FILLED") continue;
      expect(log.slice(i - 3, i + 2)).toEqual(pipeline);
    }
  });

  it("rejects an order the broker cannot accept and records why", () => {
    const bus = new EventBus();
    const rejected: string[] = [];
    bus.on("SIGNAL_REJECTED", (e) => rejected.push(e.reason));
    const s = market(5, 400);
    const r = runBacktest({
      feeds: [{ series: s, strategy: loadStrategy("sma-cross"), size: { type: "fixed-quote", value: 1 } }],
      cash: 10_000,
      bus,
    });
    expect(r.trades).toHaveLength(0);
    expect(rejected[0]).toMatch(/below the minimum notional/);
    expect(r.decisions[0]?.outcome).toBe("rejected");
  });

  it("runs a portfolio of symbols, each strategy instance with its own state", () => {
    const a = market(11, 2000, "AAA/USDT");
    const b = market(12, 2000, "BBB/USDT");
    const strategy = loadStrategy("ema-cross");
    const both = runBacktest({
      feeds: [
        { series: a, strategy },
        { series: b, strategy },
      ],
      cash: 10_000,
    });
    const onlyA = runBacktest({
      feeds: [{ series: a, strategy, size: { type: "percent-equity", value: 50 } }],
      cash: 10_000,
    });
    const symbols = new Set(both.trades.map((t) => t.symbol));
    expect(symbols).toEqual(new Set(["AAA/USDT", "BBB/USDT"]));
    // The decisions on AAA are the same whether or not BBB trades beside it.
    const aDecisions = both.decisions.filter((d) => d.symbol === "AAA/USDT").map((d) => [d.time, d.action]);
    expect(aDecisions).toEqual(onlyA.decisions.map((d) => [d.time, d.action]));
    expect(both.equity.time.length).toBe(2000);
  });

  it("runs slots of different timeframes together, each bar processed once at its close", () => {
    const hourly = market(31, 2000, "AAA/USDT");
    const fourHourly = resample(market(32, 8000, "BBB/USDT"), "4h").series;
    const strategy = loadStrategy("sma-cross");
    const both = runBacktest({
      feeds: [
        { series: hourly, strategy },
        { series: fourHourly, strategy },
      ],
      cash: 10_000,
    });
    const alone = runBacktest({
      feeds: [{ series: fourHourly, strategy, size: { type: "percent-equity", value: 50 } }],
      cash: 10_000,
    });
    expect(both.bars).toBe(hourly.length + fourHourly.length);
    const decisionsOf = (r: typeof both) =>
      r.decisions.filter((d) => d.symbol === "BBB/USDT").map((d) => [d.time, d.action]);
    expect(decisionsOf(both)).toEqual(decisionsOf(alone));
    // Every 4h decision is stamped with a 4h bar's open time.
    for (const d of both.decisions.filter((x) => x.symbol === "BBB/USDT")) expect(d.time % 14_400_000).toBe(0);
  });

  it("replays a paper session (bars one by one, streaming indicators) into the same decisions and trades as the backtest", () => {
    const s = market(21, 3000);
    const strategy = loadStrategy("bollinger-reversion", { short: 1, stopLoss: 3 });
    const backtest = runBacktest({ feeds: [{ series: s, strategy }], cash: 10_000, closeAtEnd: false, runId: "same" });

    const portfolio = new Portfolio(10_000);
    const engine = new Engine({ portfolio, createBroker: (l) => new SimulatedBroker(portfolio, l), runId: "same" });
    const runner = new LiveRunner(engine);
    runner.addSlot({
      symbol: s.symbol,
      timeframe: "1h",
      strategy,
      instrument: defaultInstrument(s.symbol),
      size: { type: "percent-equity", value: 100 },
      allowShort: true,
    });
    const equity: number[] = [];
    for (let i = 0; i < s.length; i++) equity.push(runner.onBar(s.symbol, candleAt(s, i)));

    expect(engine.decisions).toEqual(backtest.decisions);
    expect(portfolio.trades).toEqual(backtest.trades);
    expect(Float64Array.from(equity)).toEqual(backtest.equity.equity);
  });

  it("replays a paper session over several symbols into the backtest's decisions, trades and equity, with the risk layers observing once per time step", () => {
    const a = market(31, 2500, "AAA/USDT");
    const b = market(32, 2500, "BBB/USDT");
    const strategy = loadStrategy("rsi-reversion", { stopLoss: 2 });
    // The full default shield: its kill switch and daily-loss limit read equity at each observation.
    const riskConfig = riskConfigSchema.parse({});
    // A probe layer records what the risk layers observe: once per time step, the same equity in both modes.
    const build = (seen: [number, number][]) => {
      const probe: RiskLayer = {
        name: "probe",
        check: () => ({ layer: "probe", verdict: "allow", reason: "" }),
        observe: (time, equity) => {
          seen.push([time, equity]);
          return undefined;
        },
      };
      const runtime = createRiskRuntime(riskConfig, { store: new MemoryStateStore() });
      return new RiskShield([...runtime.shield.layers, probe]);
    };
    const observedInBacktest: [number, number][] = [];
    const observedInPaper: [number, number][] = [];
    const feeds = [a, b].map((series) => ({ series, strategy, size: { type: "percent-equity", value: 50 } as const }));
    const backtest = runBacktest({
      feeds,
      cash: 10_000,
      closeAtEnd: false,
      runId: "same",
      shield: build(observedInBacktest),
    });
    expect(backtest.trades.length).toBeGreaterThan(10);

    const portfolio = new Portfolio(10_000);
    const engine = new Engine({
      portfolio,
      createBroker: (l) => new SimulatedBroker(portfolio, l),
      runId: "same",
      shield: build(observedInPaper),
    });
    const runner = new LiveRunner(engine);
    for (const series of [a, b]) {
      runner.addSlot({
        symbol: series.symbol,
        timeframe: "1h",
        strategy,
        instrument: defaultInstrument(series.symbol),
        size: { type: "percent-equity", value: 50 },
      });
    }
    const equity: number[] = [];
    for (let i = 0; i < a.length; i++) {
      equity.push(
        runner.onStep([
          { symbol: a.symbol, bar: candleAt(a, i) },
          { symbol: b.symbol, bar: candleAt(b, i) },
        ]),
      );
    }
    expect(engine.decisions).toEqual(backtest.decisions);
    expect(portfolio.trades).toEqual(backtest.trades);
    expect(Float64Array.from(equity)).toEqual(backtest.equity.equity);
    expect(observedInPaper).toHaveLength(a.length);
    expect(observedInPaper).toEqual(observedInBacktest);
  });

  it("refuses a time step whose bars do not close together, or that is not after the previous one", () => {
    const portfolio = new Portfolio(1000);
    const engine = new Engine({ portfolio, createBroker: (l) => new SimulatedBroker(portfolio, l) });
    const runner = new LiveRunner(engine);
    for (const symbol of ["X", "Y"])
      runner.addSlot({
        symbol,
        timeframe: "1h",
        strategy: loadStrategy("sma-cross"),
        instrument: defaultInstrument(symbol),
      });
    const bar = (time: number) => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(() =>
      runner.onStep([
        { symbol: "X", bar: bar(0) },
        { symbol: "Y", bar: bar(3_600_000) },
      ]),
    ).toThrowError(/not with the rest of its step/);
    runner.onBar("X", bar(3_600_000));
    expect(() => runner.onBar("Y", bar(0))).toThrowError(/not after the previous one/);
  });

  it("refuses a feed that delivers a NaN price", () => {
    const portfolio = new Portfolio(1000);
    const engine = new Engine({ portfolio, createBroker: (l) => new SimulatedBroker(portfolio, l) });
    const runner = new LiveRunner(engine);
    runner.addSlot({
      symbol: "X",
      timeframe: "1h",
      strategy: loadStrategy("sma-cross"),
      instrument: defaultInstrument("X"),
    });
    expect(() => runner.onBar("X", { time: 0, open: 1, high: 1, low: Number.NaN, close: 1, volume: 1 })).toThrowError(
      /bar low is NaN/,
    );
  });

  it("makes the same decisions on a slice as the longer run makes over that slice, once the slice is warm", () => {
    const s = market(8, 3000);
    const from = 1000;
    const to = 2500;
    const part = sliceSeries(s, from, to);
    // SMA crosses only depend on the last `slow` closes, so once the slice run has seen its first cross both runs
    // read the same indicator values and must decide alike from there to the end of the slice.
    const strategy = loadStrategy("sma-cross", { fast: 10, slow: 40 });
    const whole = runBacktest({ feeds: [{ series: s, strategy }], cash: 5000, closeAtEnd: false });
    const slice = runBacktest({ feeds: [{ series: part, strategy }], cash: 5000, closeAtEnd: false });
    const key = (d: { time: number; action: string }) => ({ time: d.time, action: d.action });
    const first = slice.decisions[0];
    expect(first).toBeDefined();
    expect(slice.decisions.length).toBeGreaterThan(10);
    const end = part.time[part.length - 1] as number;
    const overlap = whole.decisions.filter((d) => d.time >= (first?.time ?? 0) && d.time <= end);
    expect(slice.decisions.map(key)).toEqual(overlap.map(key));
  });
});
