import { describe, expect, it } from "vitest";
import { runBacktest } from "../backtest/run-backtest.js";
import type { Candle } from "../domain/candles.js";
import { defaultInstrument } from "../domain/instrument.js";
import type { ClosedTrade } from "../domain/trade.js";
import { Portfolio } from "../execution/portfolio.js";
import { SimulatedBroker } from "../execution/simulated-broker.js";
import { bars } from "../execution/testing/bars.js";
import { minConfidence } from "../risk/limits/confidence.js";
import { RiskShield, sanityLayer } from "../risk/shield.js";
import type { AsyncSignalSource, SignalSource, SourceSignal } from "../strategy/signal-source.js";
import type { Strategy, StrategySignal } from "../strategy/strategy.js";
import { DecisionCombiner } from "./combiner.js";
import { Engine } from "./engine.js";
import { EventBus } from "./events.js";
import { LiveRunner } from "./live-runner.js";
import type { DeadlineTimer } from "./slot-sources.js";

const flat = (n: number) => bars(Array.from({ length: n }, () => [100, 101, 99, 100] as const));
const BUY: StrategySignal = { action: "buy", reason: "go long" };
const CLOSE: StrategySignal = { action: "close", reason: "get out" };

function scripted(name: string, plan: Record<number, StrategySignal>): Strategy {
  return { name, parameters: {}, init: () => (ctx) => plan[ctx.index] };
}

function source(
  id: string,
  role: "primary" | "advisor",
  at: (index: number) => SourceSignal | undefined,
): SignalSource {
  return { id, role, init: () => (ctx) => at(ctx.index) };
}

const VETO: SourceSignal = { action: "hold", reason: "news says no", veto: true };

describe("signal sources in the engine", () => {
  it("blocks an entry on a veto but sends the exit (before: the veto held the position open)", () => {
    // The advisor vetoes from bar 3 on; the strategy buys at bar 1 and closes at bar 4.
    const advisor = source("llm", "advisor", (i) => (i >= 3 ? VETO : undefined));
    const r = runBacktest({
      feeds: [{ series: flat(8), strategy: scripted("rules", { 1: BUY, 4: CLOSE, 5: BUY }), sources: [advisor] }],
      cash: 10_000,
      closeAtEnd: false,
    });
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]?.exitTime).toBe(flat(8).time[5]);
    const reentry = r.decisions.find((d) => d.time === flat(8).time[5]);
    expect(reentry?.outcome).toBe("vetoed");
    expect(reentry?.risk[0]?.verdicts[0]).toEqual({
      layer: "veto",
      verdict: "deny",
      reason: "vetoed by llm: news says no",
    });
  });

  it("trades rules 'buy 1.0' beside an abstaining source through a 0.70 minimum confidence (before: 0.5, denied)", () => {
    const silent = source("rl", "primary", () => undefined);
    const r = runBacktest({
      feeds: [{ series: flat(5), strategy: scripted("rules", { 1: BUY }), sources: [silent] }],
      cash: 10_000,
      shield: new RiskShield([sanityLayer, minConfidence({ min: 0.7 })]),
    });
    expect(r.decisions[0]?.outcome).toBe("orders-sent");
    expect(r.decisions[0]?.votes.map((v) => v.abstained)).toEqual([undefined, "no signal"]);
    expect(r.trades).toHaveLength(1);
  });

  it("records a source that throws as an abstention with its error, and goes on", () => {
    const broken = source("ml", "primary", () => {
      throw new Error("model file missing");
    });
    const r = runBacktest({
      feeds: [{ series: flat(5), strategy: scripted("rules", { 1: BUY }), sources: [broken] }],
      cash: 10_000,
    });
    expect(r.decisions[0]?.votes[1]).toMatchObject({ source: "ml", abstained: "threw: model file missing" });
    expect(r.decisions[0]?.reason).toBe("rules: go long; ml abstained: threw: model file missing");
    expect(r.trades).toHaveLength(1);
  });

  it("carries the source on every order, fill and trade", () => {
    const rl = source("rl", "primary", (i) =>
      i === 1 ? { action: "buy", reason: "q-value", confidence: 0.5 } : undefined,
    );
    const r = runBacktest({
      feeds: [{ series: flat(6), strategy: scripted("rules", { 1: BUY, 3: CLOSE }), sources: [rl] }],
      cash: 10_000,
    });
    expect(r.decisions[0]?.orders[0]?.source).toBe("rules+rl");
    expect(r.fills.map((f) => f.source)).toEqual(["rules+rl", "rules"]);
    expect(r.trades.map((t) => t.source)).toEqual(["rules+rl"]);
    const alone = runBacktest({ feeds: [{ series: flat(6), strategy: scripted("rules", { 1: BUY }) }], cash: 10_000 });
    // The end-of-backtest close is not an order of the strategy, but the trade it ends is.
    expect(alone.fills.map((f) => f.source)).toEqual(["rules", "rules"]);
    expect(alone.trades[0]?.source).toBe("rules");
  });

  it("tells learning sources and learners about every fill and closed trade; one that throws is reported", () => {
    const heard: ClosedTrade[] = [];
    let fills = 0;
    const learning: SignalSource = {
      id: "learner",
      role: "advisor",
      init: () => () => undefined,
      onFill: () => {
        fills++;
      },
      onTradeClosed: (trade) => {
        heard.push(trade);
      },
    };
    const bus = new EventBus();
    const alerts: string[] = [];
    bus.on("ALERT", (a) => alerts.push(a.message));
    const r = runBacktest({
      feeds: [{ series: flat(8), strategy: scripted("rules", { 1: BUY, 3: CLOSE, 4: BUY }), sources: [learning] }],
      cash: 10_000,
      bus,
      learners: [
        {
          onTradeClosed: () => {
            throw new Error("disk full");
          },
        },
      ],
    });
    expect(fills).toBe(4);
    expect(heard.map((t) => t.id)).toEqual(r.trades.map((t) => t.id));
    expect(alerts).toEqual(["a learner failed on a fill: disk full", "a learner failed on a fill: disk full"]);
  });

  it("refuses an asynchronous source in a synchronous backtest with a clear message", () => {
    const remote: AsyncSignalSource = {
      id: "llm",
      role: "advisor",
      deadlineMs: 100,
      init: () => async () => undefined,
    };
    expect(() =>
      runBacktest({ feeds: [{ series: flat(3), strategy: scripted("rules", {}), sources: [remote] }], cash: 1000 }),
    ).toThrow("signal source llm answers asynchronously: run the backtest with runBacktestAsync");
  });

  it("rejects two sources with one id", () => {
    const twin = source("rules", "primary", () => undefined);
    expect(() =>
      runBacktest({ feeds: [{ series: flat(3), strategy: scripted("rules", {}), sources: [twin] }], cash: 1000 }),
    ).toThrow("signal source rules appears twice in one slot");
  });
});

describe("asynchronous sources", () => {
  /** A deadline that passes only when the test says so. */
  function manualDeadline() {
    const pending: (() => void)[] = [];
    const timer: DeadlineTimer = () => {
      let fire = () => {};
      const expired = new Promise<void>((resolve) => {
        fire = resolve;
      });
      pending.push(fire);
      return { expired, cancel: () => {} };
    };
    const expireAll = () => {
      for (const fire of pending.splice(0)) fire();
    };
    return { timer, expireAll };
  }

  function live(sources: SignalSource[], timer: DeadlineTimer) {
    const portfolio = new Portfolio(10_000);
    const engine = new Engine({
      portfolio,
      createBroker: (listener) => new SimulatedBroker(portfolio, listener),
      deadline: timer,
      combiner: new DecisionCombiner(),
    });
    const runner = new LiveRunner(engine);
    runner.addSlot({
      symbol: "TEST/USDT",
      timeframe: "1h",
      strategy: scripted("rules", { 1: BUY }),
      instrument: defaultInstrument("TEST/USDT"),
      sources,
    });
    const series = flat(3);
    const bar = (i: number): Candle => ({
      time: series.time[i] as number,
      open: 100,
      high: 101,
      low: 99,
      close: 100,
      volume: 1000,
    });
    return { engine, runner, bar };
  }

  it("waits for a source that answers in time, and counts its vote", async () => {
    const { timer } = manualDeadline();
    const rl: AsyncSignalSource = {
      id: "rl",
      role: "primary",
      deadlineMs: 50,
      init: () => async (ctx) => (ctx.index === 1 ? { action: "sell", reason: "q-value" } : undefined),
    };
    const { engine, runner, bar } = live([rl], timer);
    await runner.onStepAsync([{ symbol: "TEST/USDT", bar: bar(0) }]);
    await runner.onStepAsync([{ symbol: "TEST/USDT", bar: bar(1) }]);
    expect(engine.decisions[0]?.action).toBe("hold");
    expect(engine.decisions[0]?.reason).toBe("split vote (buy 1.000 = sell 1.000): hold");
  });

  it("abstains a source that misses its deadline or rejects, says which and why, and is aborted", async () => {
    const { timer, expireAll } = manualDeadline();
    let aborted = false;
    const slow: AsyncSignalSource = {
      id: "llm",
      role: "advisor",
      deadlineMs: 200,
      init: () => (_ctx, abort) =>
        new Promise(() => {
          abort.addEventListener("abort", () => {
            aborted = true;
          });
        }),
    };
    const failing: AsyncSignalSource = {
      id: "remote-ml",
      role: "primary",
      deadlineMs: 200,
      init: () => async () => {
        throw new Error("connection refused");
      },
    };
    const { engine, runner, bar } = live([slow, failing], timer);
    const first = runner.onStepAsync([{ symbol: "TEST/USDT", bar: bar(0) }]);
    await Promise.resolve();
    expireAll();
    await first;
    const second = runner.onStepAsync([{ symbol: "TEST/USDT", bar: bar(1) }]);
    await Promise.resolve();
    expireAll();
    await second;
    const votes = engine.decisions[0]?.votes ?? [];
    expect(votes.map((v) => [v.source, v.abstained])).toEqual([
      ["rules", undefined],
      ["llm", "missed its deadline of 200 ms"],
      ["remote-ml", "threw: connection refused"],
    ]);
    expect(engine.decisions[0]?.outcome).toBe("orders-sent");
    expect(aborted).toBe(true);
  });

  it("refuses to step a slot with an asynchronous source synchronously", () => {
    const { timer } = manualDeadline();
    const remote: AsyncSignalSource = { id: "llm", role: "advisor", deadlineMs: 10, init: () => async () => undefined };
    const { runner, bar } = live([remote], timer);
    expect(() => runner.onStep([{ symbol: "TEST/USDT", bar: bar(0) }])).toThrow(
      "TEST/USDT has an asynchronous signal source: drive it with onStepAsync",
    );
  });
});
